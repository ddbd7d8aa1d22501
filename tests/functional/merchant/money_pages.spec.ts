import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { DEFAULT_PASSWORD, createMerchant, loginAs } from '#tests/helpers/auth'
import type { CustomerRole } from '#models/customer_user'
import { mainOf, notFoundShape, visibleText } from './fixtures.js'
import { closeTerminal, moneyMerchant, pay } from './money_fixtures.js'

const berlinDate = (value: Date | string) =>
  (value instanceof Date
    ? DateTime.fromJSDate(value, { zone: 'utc' })
    : DateTime.fromISO(String(value).slice(0, 10))
  ).toFormat('dd.MM.yyyy')

/** The CSV as bytes (fetch's text() would drop the BOM). */
async function download(agent: Agent, path: string) {
  const cookie = [...agent.jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const response = await fetch(agent.baseUrl + path, { headers: { cookie } })
  const bytes = Buffer.from(await response.arrayBuffer())
  return { response, bytes, text: bytes.toString('utf8') }
}

async function loggedIn(email: string, password = DEFAULT_PASSWORD) {
  const agent = new Agent()
  await loginAs(agent, email, password)
  return agent
}

/** A second user linked to the customer with the role. */
async function colleague(role: CustomerRole, customerId: number) {
  const other = await createMerchant({ email: `${role}@example.com`, customers: [] })
  await other.user.related('customers').attach({ [customerId]: { role, proven_by: 'support' } })
  return other.user.email
}

test.group('Merchant money pages: Kassenschnitte', (group) => {
  group.each.setup(() => resetState())

  test('the list shows each closing with its totals and a „Differenz“ with the amount', async ({
    assert,
  }) => {
    const m = await moneyMerchant()
    const agent = await loggedIn(m.user.email)
    const page = await agent.get('/closings')
    assert.equal(page.status, 200)
    const text = visibleText(mainOf(page.text))
    assert.include(text, 'Kassenschnitte')
    const list = visibleText(
      page.text.match(/<table class="cards-table" id="closings">[\s\S]*?<\/table>/)![0]
    )
    /* newest first: closing 2 (automatic, mismatching), then closing 1 (manual, matching) */
    assert.isBelow(list.indexOf('automatisch'), list.indexOf('manuell'))
    assert.include(list, 'girocard: 7,00 €')
    assert.include(list, 'Visa: 25,00 €')
    assert.include(list, '32,00 €')
    assert.include(list, 'girocard: 50,00 €')
    assert.include(list, 'Differenz 8,00 €')
    assert.include(list, 'stimmt')
    assert.include(list, m.a.terminalId)

    /* the terminal filter narrows the list; another customer's TID is the shared 404 */
    const onlyB = visibleText(
      mainOf((await agent.get(`/closings?terminal=${m.b.terminalId}`)).text)
    )
    assert.include(onlyB, 'Noch keine Kassenschnitte.')
    assert.equal((await agent.get('/closings?terminal=99999999')).status, 404)
  })

  test('the open amount and its age per terminal; a terminal without closing for 6 days is flagged', async ({
    assert,
  }) => {
    const m = await moneyMerchant()
    const agent = await loggedIn(m.user.email)
    const page = await agent.get('/closings')
    const open = page.text.match(
      /<table class="cards-table" id="open-amounts">[\s\S]*?<\/table>/
    )![0]
    const rowOf = (tid: string) =>
      visibleText(open.match(new RegExp(`<tr[^>]*data-tid="${tid}"[\\s\\S]*?</tr>`))![0])
    const a = rowOf(m.a.terminalId)
    assert.include(a, '15,00 €')
    assert.include(a, ' 1 ')
    assert.include(a, 'heute')
    const b = rowOf(m.b.terminalId)
    assert.include(b, '25,00 €')
    assert.include(b, 'noch nie')
    assert.include(b, 'Seit 6 Tagen kein Kassenschnitt')
    assert.include(
      visibleText(page.text),
      'Die Zahlungsgarantie für girocard-Zahlungen erlischt 8 Tage nach der Zahlung'
    )
    assert.match(open, new RegExp(`<tr class="is-overdue" data-tid="${m.b.terminalId}"`))
  })

  test('the detail shows reported vs linked per brand, the difference, credit dates, payouts and transactions', async ({
    assert,
  }) => {
    const m = await moneyMerchant()
    const agent = await loggedIn(m.user.email)
    const mismatch = await agent.get(`/closings/${m.closings.mismatching}`)
    assert.equal(mismatch.status, 200)
    const text = visibleText(mainOf(mismatch.text))
    assert.include(text, 'Kassenschnitt 2')
    assert.include(text, 'Differenz 8,00 €')
    assert.include(text, 'Gemeldet')
    assert.include(text, 'Zugeordnet')
    assert.include(text, '50,00 €')
    assert.include(text, '42,00 €')
    assert.include(text, `50,00 € erwartet am ${berlinDate(m.girocardExpectedOn)}`)
    assert.include(text, 'Noch keine Auszahlung deckt diesen Kassenschnitt.')
    assert.include(text, '1 Transaktion')
    assert.include(mismatch.text, `href="/transactions/${m.transactions.mismatch}"`)

    const matching = await agent.get(`/closings/${m.closings.matching}`)
    const matchingText = visibleText(mainOf(matching.text))
    assert.notInclude(matchingText, 'Differenz 8,00 €')
    assert.include(matchingText, '3 Transaktionen')
    assert.include(matching.text, `href="/payouts/${m.payoutId}"`)
    assert.include(matchingText, '=PO1')
    assert.include(matchingText, 'gezahlt')
  })
})

test.group('Merchant money pages: Auszahlungen', (group) => {
  group.each.setup(() => resetState())

  test('the list shows expected credits and each payout with amounts, account and status', async ({
    assert,
  }) => {
    const m = await moneyMerchant()
    /* an expected payout with a difference: 10,00 € more than closing 2's girocard part */
    await pay([
      {
        reference: 'PO-2',
        customer_number: m.customer.customerNumber,
        value_date: DateTime.now().plus({ days: 1 }).toISODate(),
        kind: 'girocard',
        gross_minor: 6000,
        fees_minor: 0,
        net_minor: 6000,
        status: 'expected',
        closings: [{ terminal_id: m.a.terminalId, closing_number: 2 }],
      },
    ])
    const agent = await loggedIn(m.user.email)
    const page = await agent.get('/payouts')
    assert.equal(page.status, 200)
    const text = visibleText(mainOf(page.text))
    assert.include(text, 'Erwartete Gutschriften')
    /* closing 2's girocard part is now covered by PO-2 (expected, not returned): nothing left */
    assert.include(text, 'Zurzeit werden keine Gutschriften erwartet.')
    const rows = [...page.text.matchAll(/<tr data-payout="(\d+)">[\s\S]*?<\/tr>/g)].map((row) =>
      visibleText(row[0])
    )
    assert.lengthOf(rows, 2)
    /* newest value date first */
    assert.include(rows[0], 'PO-2')
    assert.include(rows[0], 'erwartet')
    assert.include(rows[0], 'Differenz 10,00 €')
    assert.include(rows[1], '=PO1')
    assert.include(rows[1], '32,00 €')
    assert.include(rows[1], '0,45 €')
    assert.include(rows[1], '31,55 €')
    assert.include(rows[1], '•••• 1234')
    assert.include(rows[1], 'gezahlt')
    assert.include(rows[1], 'stimmt')
    assert.include(page.text, 'href="/payouts.csv"')
  })

  test('expected credits list the closings no payout covers, by date', async ({ assert }) => {
    const m = await moneyMerchant()
    const agent = await loggedIn(m.user.email)
    const text = visibleText(mainOf((await agent.get('/payouts')).text))
    assert.include(text, `${berlinDate(m.girocardExpectedOn)} 50,00 € 0,00 € 50,00 €`)
    /* a returned payout covers nothing */
    await pay([
      {
        reference: 'PO-RET',
        customer_number: m.customer.customerNumber,
        value_date: DateTime.now().toISODate(),
        kind: 'all',
        gross_minor: 5000,
        fees_minor: 0,
        net_minor: 5000,
        status: 'returned',
        closings: [{ terminal_id: m.a.terminalId, closing_number: 2 }],
      },
    ])
    const again = visibleText(mainOf((await agent.get('/payouts')).text))
    assert.include(again, `${berlinDate(m.girocardExpectedOn)} 50,00 € 0,00 € 50,00 €`)
    assert.include(again, 'zurückgebucht')
  })

  test('the detail shows fee lines, expected gross, difference and the covered closings with their fee share', async ({
    assert,
  }) => {
    const m = await moneyMerchant()
    /* a second closing on terminal B: the payout's fees split by the closings' amounts */
    await closeTerminal([
      {
        terminal_id: m.b.terminalId,
        closing_number: 1,
        closed_at: DateTime.now().minus({ minutes: 5 }).toISO(),
        totals: [
          { card_brand: 'girocard', sales_count: 1, sales_minor: 2000 },
          { card_brand: 'mastercard', sales_count: 1, sales_minor: 500 },
        ],
      },
    ])
    /* the first payout of closing A1 came back from the bank: PO-3 credits A1 again */
    await db.from('payouts').where('id', m.payoutId).update({ status: 'returned' })
    const [id] = await pay([
      {
        reference: 'PO-3',
        customer_number: m.customer.customerNumber,
        value_date: DateTime.now().toISODate(),
        kind: 'all',
        gross_minor: 5600,
        fees_minor: 100,
        net_minor: 5500,
        iban_last4: '9876',
        status: 'paid',
        fees: [{ card_brand: null, kind: 'service', amount_minor: 100 }],
        closings: [
          { terminal_id: m.a.terminalId, closing_number: 1 },
          { terminal_id: m.b.terminalId, closing_number: 1 },
        ],
      },
    ])
    const agent = await loggedIn(m.user.email)
    const page = await agent.get(`/payouts/${id}`)
    assert.equal(page.status, 200)
    const text = visibleText(mainOf(page.text))
    assert.include(text, 'Auszahlung PO-3')
    assert.include(text, 'Erwartet (brutto) 57,00 €')
    assert.include(text, 'Differenz -1,00 €')
    assert.include(text, 'ohne Kartenart Servicegebühr 1,00 €')
    assert.include(text, '•••• 9876')
    const closings = visibleText(
      page.text.match(/<table class="cards-table" id="payout-closings">[\s\S]*?<\/table>/)![0]
    )
    /* 3200 : 2500 of 100 cents → 56 + 44 */
    assert.include(closings, `Kassenschnitt 1 ${m.a.terminalId}`)
    assert.include(closings, '32,00 € 0,56 €')
    assert.include(closings, '25,00 € 0,44 €')
    assert.include(page.text, `href="/closings/${m.closings.matching}"`)

    const first = visibleText(mainOf((await agent.get(`/payouts/${m.payoutId}`)).text))
    assert.include(first, 'girocard Transaktionsentgelt 0,15 €')
    assert.include(first, 'Visa Disagio 0,30 €')
  })

  test('the CSV has the payouts with neutralised cells, German separators and a BOM', async ({
    assert,
  }) => {
    const m = await moneyMerchant()
    const agent = await loggedIn(m.user.email)
    const csv = await download(agent, '/payouts.csv')
    assert.equal(csv.response.status, 200)
    assert.match(csv.response.headers.get('content-type') ?? '', /text\/csv/)
    assert.include(csv.response.headers.get('content-disposition') ?? '', 'auszahlungen.csv')
    assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf])
    const [header, line] = csv.text.split('\n')
    assert.equal(
      header,
      '\uFEFFValuta;Referenz;Status;Brutto;Gebühren;Netto;Konto (letzte 4);Differenz;Kassenschnitte'
    )
    const today = DateTime.now().setZone('Europe/Berlin').toFormat('dd.MM.yyyy')
    /* the reference starting with = is text, not a formula */
    assert.equal(line, `${today};"'=PO1";gezahlt;32,00;0,45;31,55;1234;0,00;1`)
  })

  test('the CSV in English uses commas and dots', async ({ assert }) => {
    const m = await moneyMerchant({ locale: 'en' })
    const agent = await loggedIn(m.user.email)
    const csv = await download(agent, '/payouts.csv')
    const [header, line] = csv.text.split('\n')
    assert.equal(
      header,
      '\uFEFFValue date,Reference,Status,Gross,Fees,Net,Account (last 4),Difference,Closings'
    )
    const today = DateTime.now().setZone('Europe/Berlin').toISODate()
    assert.equal(line, `${today},"'=PO1",paid,32.00,0.45,31.55,1234,0.00,1`)
  })
})

test.group('Merchant money pages: transaction detail and dashboard', (group) => {
  group.each.setup(() => resetState())

  test('a transaction shows its closing and the payout covering it, or „noch nicht abgeschlossen“', async ({
    assert,
  }) => {
    const m = await moneyMerchant()
    const agent = await loggedIn(m.user.email)
    const closed = await agent.get(`/transactions/${m.transactions.closed}`)
    const text = visibleText(mainOf(closed.text))
    assert.include(text, 'Kassenschnitt Nr. 1 vom')
    assert.include(closed.text, `href="/closings/${m.closings.matching}"`)
    assert.include(text, 'Auszahlung =PO1')
    assert.include(closed.text, `href="/payouts/${m.payoutId}"`)

    const open = visibleText(mainOf((await agent.get(`/transactions/${m.transactions.open}`)).text))
    assert.include(open, 'Kassenschnitt noch nicht abgeschlossen')
    const unpaid = visibleText(
      mainOf((await agent.get(`/transactions/${m.transactions.mismatch}`)).text)
    )
    assert.include(unpaid, 'Kassenschnitt Nr. 2 vom')
    assert.include(unpaid, 'Auszahlung noch keine')
  })

  test('the dashboard shows the next expected credit, the last payout and the unclosed terminal', async ({
    assert,
  }) => {
    const m = await moneyMerchant()
    const agent = await loggedIn(m.user.email)
    const page = await agent.get('/')
    const text = visibleText(mainOf(page.text))
    assert.include(
      text,
      `Nächste erwartete Gutschrift 50,00 € am ${berlinDate(m.girocardExpectedOn)}`
    )
    assert.include(text, 'Letzte Auszahlung =PO1')
    assert.include(text, '31,55 €')
    assert.include(text, `${m.b.terminalId}: seit 6 Tagen kein Kassenschnitt, offen 25,00 €`)
    assert.notInclude(text, `${m.a.terminalId}: seit`)
    assert.include(page.text, 'href="/closings"')
    assert.include(page.text, 'href="/payouts"')
  })
})

test.group('Merchant money pages: roles, scope, language', (group) => {
  group.each.setup(() => resetState())

  test('a viewer sees closings but no payouts: those pages answer like a missing record', async ({
    assert,
  }) => {
    const m = await moneyMerchant()
    const agent = await loggedIn(await colleague('viewer', m.customer.id))
    const missing = await agent.get('/closings/999999')
    assert.equal(missing.status, 404)
    assert.equal((await agent.get('/closings')).status, 200)
    const detail = await agent.get(`/closings/${m.closings.matching}`)
    assert.equal(detail.status, 200)
    assert.notInclude(detail.text, '/payouts/')
    assert.notInclude(detail.text, '=PO1')
    for (const path of ['/payouts', `/payouts/${m.payoutId}`, '/payouts.csv']) {
      const page = await agent.get(path)
      assert.equal(page.status, 404, path)
      assert.deepEqual(notFoundShape(page), notFoundShape(missing), path)
    }
    const dashboard = await agent.get('/')
    assert.notInclude(dashboard.text, 'href="/payouts"')
    assert.include(dashboard.text, 'href="/closings"')
    assert.notInclude(visibleText(mainOf(dashboard.text)), 'Nächste erwartete Gutschrift')
    assert.include(visibleText(mainOf(dashboard.text)), `${m.b.terminalId}: seit 6 Tagen`)
    const transaction = visibleText(
      mainOf((await agent.get(`/transactions/${m.transactions.closed}`)).text)
    )
    assert.include(transaction, 'Kassenschnitt Nr. 1')
    assert.notInclude(transaction, '=PO1')
  })

  test('an accountant sees payouts and their CSV', async ({ assert }) => {
    const m = await moneyMerchant()
    const agent = await loggedIn(await colleague('accountant', m.customer.id))
    assert.equal((await agent.get('/payouts')).status, 200)
    assert.equal((await agent.get(`/payouts/${m.payoutId}`)).status, 200)
    assert.include((await agent.get('/payouts.csv')).text, "'=PO1")
    assert.include((await agent.get('/')).text, 'href="/payouts"')
  })

  test("another customer's closing or payout is the shared 404", async ({ assert }) => {
    const m = await moneyMerchant()
    const other = await createMerchant({ email: 'other@example.com' })
    const agent = await loggedIn(other.user.email)
    const missing = await agent.get('/closings/999999')
    for (const path of [`/closings/${m.closings.matching}`, `/payouts/${m.payoutId}`]) {
      const page = await agent.get(path)
      assert.equal(page.status, 404, path)
      assert.deepEqual(notFoundShape(page), notFoundShape(missing), path)
    }
    assert.notInclude((await agent.get('/payouts')).text, '=PO1')
    assert.notInclude((await agent.get('/closings')).text, m.a.terminalId)
    assert.equal(Number((await db.from('payouts').count('* as n').first()).n), 1)
  })

  test('the pages speak English when the user does', async ({ assert }) => {
    const m = await moneyMerchant({ locale: 'en' })
    const agent = await loggedIn(m.user.email)
    const closings = visibleText(mainOf((await agent.get('/closings')).text))
    assert.include(closings, 'Open amounts per terminal')
    assert.include(closings, 'No closing for 6 days')
    assert.include(closings, 'Difference €8.00')
    const detail = visibleText(
      mainOf((await agent.get(`/closings/${m.closings.mismatching}`)).text)
    )
    assert.include(detail, 'Closing 2')
    assert.include(detail, 'Reported')
    const payouts = visibleText(mainOf((await agent.get('/payouts')).text))
    assert.include(payouts, 'Expected credits')
    assert.include(payouts, 'paid')
    const payout = visibleText(mainOf((await agent.get(`/payouts/${m.payoutId}`)).text))
    assert.include(payout, 'Payout =PO1')
    assert.include(payout, 'Covered closings')
    const transaction = visibleText(
      mainOf((await agent.get(`/transactions/${m.transactions.open}`)).text)
    )
    assert.include(transaction, 'not closed yet')
    const dashboard = await agent.get('/')
    assert.include(visibleText(mainOf(dashboard.text)), 'Next expected credit')
    assert.include(dashboard.text, '>Closings</a>')
    assert.include(dashboard.text, '>Payouts</a>')
  })
})
