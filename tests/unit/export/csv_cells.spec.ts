import { test } from '@japa/runner'
import { csvLine, csvNumber, csvText } from '#services/export/csv_cells'

/** Splits one CSV line the way a spreadsheet imports it (RFC 4180 quotes). */
function readCells(line: string, delimiter: string) {
  const cells: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const char = line[i]
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"'
        i++
      } else if (char === '"') {
        quoted = false
      } else {
        cell += char
      }
    } else if (char === '"') {
      quoted = true
    } else if (char === delimiter) {
      cells.push(cell)
      cell = ''
    } else if (char !== '\n') {
      cell += char
    }
  }
  cells.push(cell)
  return cells
}

/** What a spreadsheet would take for a formula: the cell starts with a trigger. */
const FORMULA = /^[=+\-@\t\r]/

test.group('CSV cells', () => {
  test('text that could start a formula is neutralised: {value}')
    .with([
      { value: '=1+2', cell: `"'=1+2"` },
      { value: '+1', cell: `"'+1"` },
      { value: '-1', cell: `"'-1"` },
      { value: '@SUM(A1)', cell: `"'@SUM(A1)"` },
      { value: '\t=1+2', cell: `"'\t=1+2"` },
      { value: '\r=1+2', cell: `"'\r=1+2"` },
      { value: ' =1+2', cell: `"' =1+2"` },
      { value: '＝1+2', cell: `"'＝1+2"` },
      {
        value: '=HYPERLINK("https://evil.example","x")',
        cell: `"'=HYPERLINK(""https://evil.example"",""x"")"`,
      },
      { value: '=1;=2', cell: `"'=1;=2"` },
      /* behind quotes a tool or a second import may strip */
      { value: '"=1+1"', cell: `"'""=1+1"""` },
      { value: "'=1+1", cell: `"''=1+1"` },
      { value: ' "@SUM(A1)', cell: `"' ""@SUM(A1)"` },
      { value: '＂-1', cell: `"'＂-1"` },
    ])
    .run(({ assert }, { value, cell }) => {
      assert.equal(csvText(value, ';'), cell)
      const [read] = readCells(csvLine([csvText(value, ';')], ';'), ';')
      /* the spreadsheet gets one text cell: the value behind a quote, never a formula */
      assert.equal(read, `'${value}`)
      assert.notMatch(read, FORMULA)
    })

  test('ordinary text stays as it is, quoted only where RFC 4180 needs it', ({ assert }) => {
    assert.equal(csvText('000123', ';'), '000123')
    assert.equal(csvText('Beleg 12/3', ';'), 'Beleg 12/3')
    assert.equal(csvText('a=b', ';'), 'a=b')
    assert.equal(csvText('', ';'), '')
    assert.equal(csvText('Müller; Söhne', ';'), '"Müller; Söhne"')
    assert.equal(csvText('Müller, Söhne', ';'), 'Müller, Söhne')
    assert.equal(csvText('Müller, Söhne', ','), '"Müller, Söhne"')
    assert.equal(csvText('sagt "Hallo"', ';'), '"sagt ""Hallo"""')
    assert.equal(csvText('zwei\nZeilen', ';'), '"zwei\nZeilen"')
  })

  test('amounts the portal formats stay numbers, negative ones too', ({ assert }) => {
    assert.equal(csvNumber('-12,50', ';'), '-12,50')
    assert.equal(csvNumber('1234,56', ';'), '1234,56')
    assert.equal(csvNumber('-12.50', ','), '-12.50')
    assert.equal(csvNumber('42', ','), '42')
    /* a decimal comma in a comma file must be quoted to stay one cell */
    assert.equal(csvNumber('-12,50', ','), '"-12,50"')
    /* not a number: text rules apply */
    assert.equal(csvNumber('-1+2', ';'), `"'-1+2"`)
    assert.equal(csvNumber('=1', ';'), `"'=1"`)
  })

  test('a German line: ";" between cells, the amount a number, text neutralised', ({ assert }) => {
    const line = csvLine(
      [csvText('27.11.2026 10:15:00', ';'), csvNumber('-12,50', ';'), csvText('@SUM(A1)', ';')],
      ';'
    )
    assert.equal(line, `27.11.2026 10:15:00;-12,50;"'@SUM(A1)"\n`)
    assert.deepEqual(readCells(line, ';'), ['27.11.2026 10:15:00', '-12,50', "'@SUM(A1)"])
  })
})
