import { test } from '@japa/runner'
import { Readable } from 'node:stream'
import { openCsv, splitLine, type CsvRow } from '#services/import/csv_lines'

async function readAll(chunks: (string | Buffer)[]) {
  const file = await openCsv(Readable.from(chunks))
  const rows: CsvRow[] = []
  for await (const chunk of file.rows) rows.push(...chunk)
  return { delimiter: file.delimiter, header: file.header, rows }
}

test.group('CSV lines', () => {
  test('detects ; or , from the header line and drops a BOM', async ({ assert }) => {
    const semicolon = await readAll(['\uFEFFTerminal_ID;Model\n12345678;"A;B"\n'])
    assert.equal(semicolon.delimiter, ';')
    assert.deepEqual(semicolon.header, ['terminal_id', 'model'])
    assert.deepEqual(semicolon.rows, [{ line: 2, fields: ['12345678', 'A;B'] }])

    const comma = await readAll([Buffer.from([0xef, 0xbb, 0xbf]), 'a,b\r\n1,"x, y"\r\n'])
    assert.equal(comma.delimiter, ',')
    assert.deepEqual(comma.header, ['a', 'b'])
    assert.deepEqual(comma.rows, [{ line: 2, fields: ['1', 'x, y'] }])
  })

  test("Excel's sep= line sets the delimiter and moves the header to line 2", async ({
    assert,
  }) => {
    const file = await readAll(['sep=;\r\na;b,c\r\n1;2,3\r\n'])
    assert.equal(file.delimiter, ';')
    assert.deepEqual(file.header, ['a', 'b,c'])
    assert.deepEqual(file.rows, [{ line: 3, fields: ['1', '2,3'] }])
  })

  test('numbers rows by physical line, skipping blank lines', async ({ assert }) => {
    const { rows } = await readAll(['a,b\n1,2\n\n  \n,\n3,4'])
    assert.deepEqual(rows, [
      { line: 2, fields: ['1', '2'] },
      { line: 6, fields: ['3', '4'] },
    ])
  })

  test('lines and multi-byte characters split across chunks stay whole', async ({ assert }) => {
    const bytes = Buffer.from('a,b\n1,Köln\n2,Düren\n')
    const chunks = [...bytes].map((byte) => Buffer.from([byte]))
    const { rows } = await readAll(chunks)
    assert.deepEqual(rows, [
      { line: 2, fields: ['1', 'Köln'] },
      { line: 3, fields: ['2', 'Düren'] },
    ])
  })

  test('a broken quote costs only its own line', async ({ assert }) => {
    const { rows } = await readAll(['a,b,c\n1,"open,2\n3,4,5\n6,"x"y,7\n8,9,10\n'])
    assert.deepEqual(rows, [
      { line: 2, error: 'broken quote: a quoted field is not closed' },
      { line: 3, fields: ['3', '4', '5'] },
      { line: 4, error: 'broken quote: text follows the closing quote of field 2' },
      { line: 5, fields: ['8', '9', '10'] },
    ])
  })

  test('quoted fields follow RFC 4180; a quote inside a plain field is literal', ({ assert }) => {
    assert.deepEqual(splitLine('"a","b""c",d', ',', 2), { line: 2, fields: ['a', 'b"c', 'd'] })
    assert.deepEqual(splitLine('1,Bäckerei "Anker",3', ',', 2), {
      line: 2,
      fields: ['1', 'Bäckerei "Anker"', '3'],
    })
    assert.deepEqual(splitLine('"",x,', ',', 2), { line: 2, fields: ['', 'x', ''] })
  })

  test('text that is not UTF-8 is named as such', async ({ assert }) => {
    const latin1 = Buffer.concat([
      Buffer.from('a,b\n1,K'),
      Buffer.from([0xf6]),
      Buffer.from('ln\n'),
    ])
    const { rows } = await readAll([latin1])
    assert.deepEqual(rows, [{ line: 2, error: 'not valid UTF-8 (save the file as UTF-8)' }])
  })
})
