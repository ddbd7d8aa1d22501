import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { addTransactions, rowIds, visibleText } from './fixtures.js'
import { issueToken, item, postBatch } from '#tests/functional/ingest/helpers'

const zone = 'Europe/Berlin'

/** The raw bytes of a download, with the agent's cookies. */
async function download(agent: Agent, path: string) {
  const cookie = [...agent.jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const response = await fetch(agent.baseUrl + path, {
    headers: { cookie, ...agent.defaultHeaders },
  })
  return { response, bytes: Buffer.from(await response.arrayBuffer()) }
}

test.group('Merchant CSV export', (group) => {
  group.each.setup(() => resetState())

  test('German: BOM, header, ";" and decimal comma, masked card, same rows as the list', async ({
    assert,
  }) => {
    const m = await createMerchant()
    const base = DateTime.now().setZone(zone).startOf('day').plus({ hours: 10 })
    const ids = await addTransactions(
      m.terminals[0],
      Array.from({ length: 130 }, (_, i) => ({
        occurredAt: base.minus({ minutes: i * 7 }),
        amountMinor: 123456 + i,
        cardBrand: i % 2 ? 'visa' : 'girocard',
        panLast4: '4242',
      }))
    )
    const agent = new Agent()
    await loginAs(agent, m.user.email, m.password)

    /* all list pages of a filter … */
    const listed: number[] = []
    let path: string | null = '/transactions?brand=visa'
    while (path) {
      const page = await agent.get(path)
      listed.push(...rowIds(page.text))
      const next = page.text.match(/href="([^"]+)" rel="next"/)
      path = next ? next[1].replaceAll('&amp;', '&') : null
    }
    /* … equal the export of that filter, row for row in the same order */
    const { response, bytes } = await download(agent, '/transactions.csv?brand=visa')
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/)
    assert.match(
      response.headers.get('content-disposition') ?? '',
      /attachment; filename="transaktionen_/
    )
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf])
    const lines = bytes.subarray(3).toString('utf8').trim().split('\n')
    assert.equal(
      lines[0],
      'Datum;Kundennummer;Terminal-ID;Art;Status;Betrag;Währung;Kartenmarke;Karte;Belegnummer;Autorisierungsnummer;Referenz'
    )
    const rows = lines.slice(1).map((l) => l.split(';'))
    assert.lengthOf(rows, 65)
    const refs = await import('@adonisjs/lucid/services/db').then(({ default: db }) =>
      db.from('transactions').whereIn('id', listed).select('id', 'reference')
    )
    const refById = new Map(refs.map((r) => [Number(r.id), r.reference]))
    assert.deepEqual(
      rows.map((r) => r[11]),
      listed.map((id) => refById.get(id))
    )
    assert.match(rows[0][5], /^\d+,\d{2}$/)
    assert.equal(rows[0][8], '**** 4242')
    assert.equal(rows[0][3], 'Verkauf')
    assert.notInclude(bytes.toString('utf8'), '672000')
    void ids
  })

  test('English: "," and decimal dot', async ({ assert }) => {
    const m = await createMerchant({ locale: 'en' })
    await addTransactions(m.terminals[0], [
      { amountMinor: 123456, occurredAt: DateTime.now().minus({ hours: 1 }) },
    ])
    const agent = new Agent({ 'accept-language': 'en' })
    await loginAs(agent, m.user.email, m.password)
    const { bytes } = await download(agent, '/transactions.csv')
    const lines = bytes.subarray(3).toString('utf8').trim().split('\n')
    assert.match(lines[0], /^Date,Customer number,Terminal ID,Type,Status,Amount,/)
    assert.include(lines[1], ',1234.56,EUR,')
  })

  test('more than 13 months is refused with a clear message', async ({ assert }) => {
    const m = await createMerchant()
    const agent = new Agent()
    await loginAs(agent, m.user.email, m.password)
    const ok = await agent.get('/transactions.csv?from=2025-10-01&to=2026-10-31')
    assert.equal(ok.status, 200)
    const refused = await agent.get('/transactions.csv?from=2025-10-01&to=2026-11-01')
    assert.equal(refused.status, 302)
    const page = await agent.follow(refused)
    assert.include(
      visibleText(page.text),
      'Ein Export umfasst höchstens 13 Monate. Bitte wählen Sie einen kürzeren Zeitraum.'
    )
    /* the list keeps the filter the user had */
    assert.include(page.text, 'value="01.10.2025"')
  })

  test('receipt numbers from the API that start a formula export as text; a negative amount stays a number', async ({
    assert,
  }) => {
    const m = await createMerchant()
    const tid = m.terminals[0].terminalId
    const receipts = ['=1+2', '+1', '-1', '@SUM(A1)', '=HYPERLINK("http://x.ex","x")']
    const token = await issueToken()
    const ingest = await postBatch(
      receipts.map((receipt, i) =>
        item(tid, {
          receipt_number: receipt,
          occurred_at: DateTime.now()
            .minus({ minutes: 10 + i })
            .toISO(),
        })
      ),
      token
    )
    assert.deepEqual(ingest.json.counts, { created: 5, duplicate: 0, rejected: 0 })
    /* a refund booked as a negative amount by some other way in: a number, not a formula */
    await addTransactions(m.terminals[0], [
      {
        amountMinor: -1250,
        receiptNumber: 'R-neg',
        occurredAt: DateTime.now().minus({ hours: 2 }),
      },
    ])

    const agent = new Agent()
    await loginAs(agent, m.user.email, m.password)
    const { bytes } = await download(agent, '/transactions.csv')
    const text = bytes.subarray(3).toString('utf8')
    const lines = text.trim().split('\n').slice(1)
    const byReceipt = new Map<string, string>()
    for (const line of lines) byReceipt.set(line.split(';')[9], line)

    /* each neutralised: behind a single quote, inside double quotes (OWASP) */
    assert.include(text, `;"'=1+2";`)
    assert.include(text, `;"'+1";`)
    assert.include(text, `;"'-1";`)
    assert.include(text, `;"'@SUM(A1)";`)
    assert.include(text, `;"'=HYPERLINK(""http://x.ex"",""x"")";`)
    /* no cell of the file starts a formula */
    for (const line of lines) {
      for (const cell of line.match(/("([^"]|"")*"|[^;]*)(;|$)/g) ?? []) {
        assert.notMatch(cell.replace(/^"/, ''), /^[=+@\t\r]/, line)
      }
    }
    const negative = byReceipt.get('R-neg')!.split(';')
    assert.equal(negative[5], '-12,50')
    assert.equal(byReceipt.get(`"'+1"`)!.split(';')[5], '12,99')
  })
})
