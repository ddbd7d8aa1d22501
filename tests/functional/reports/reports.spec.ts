import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { Queue } from 'bullmq'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import type Customer from '#models/customer'
import type { CustomerRole } from '#models/customer_user'
import { SmtpSink, type SunkMail } from '#demo/smtp_sink'
import { queueConnection } from '#services/queue/connection'
import { ClosingIngest } from '#services/ingest/closing_ingest'
import { PayoutIngest } from '#services/ingest/payout_ingest'
import { triggerReports } from '#services/reports/report_scheduler'
import { ReportDelivery } from '#services/reports/report_delivery'
import { sendReportsJob } from '#jobs/send_reports'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { Agent } from '#tests/helpers/agent'
import { createMerchant, loginAs, DEFAULT_PASSWORD, linkIn, pathOf } from '#tests/helpers/auth'
import { addTransactions } from '#tests/functional/merchant/fixtures'
import { sleep, waitUntil } from '#tests/functional/queue/helpers'
import { startWorker, workerEnv, type WorkerProcess } from '#tests/functional/queue/worker_process'
import { freePort } from '#tests/helpers/web_process'

/*
| Reports by mail (issue 18 point 6, docs/reports.md): subscriptions on
| „Berichte per E-Mail“, the daily run that fans out one report per
| subscription and period, exactly once even with several workers and the
| scheduler registered again, the CSV equal to the portal's export, the role's
| limits, the signed one-click unsubscribe link.
*/

const TID = '87654321'
const OWNER = 'inhaber@bericht.example'
const ACCOUNTANT = 'accountant@bericht.example'
const VIEWER = 'ansicht@bericht.example'

/** Monday, 1 June 2026, 06:00 Berlin: the day, the week (W22) and the month (May) are due. */
const RUN_AT = '2026-06-01T06:00:00+02:00'
const DAY = '2026-05-31'
const WEEK = { from: '2026-05-25', to: '2026-05-31' }
const MONTH = { from: '2026-05-01', to: '2026-05-31' }

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Berlin' })

async function team() {
  const owner = await createMerchant({
    email: OWNER,
    locale: 'de',
    customers: [{ companyName: 'Bericht Bäckerei GmbH', terminals: [{ terminalId: TID }] }],
  })
  const customer = owner.customers[0]
  await member(customer, ACCOUNTANT, 'accountant', 'en')
  await member(customer, VIEWER, 'viewer', 'de')
  const terminal = owner.terminals[0]
  await addTransactions(terminal, [
    { occurredAt: at('2026-05-31T10:15:00'), amountMinor: 1250, cardBrand: 'girocard' },
    { occurredAt: at('2026-05-31T23:59:00'), amountMinor: 990, cardBrand: 'visa' },
    {
      occurredAt: at('2026-05-31T12:00:00'),
      amountMinor: 300,
      cardBrand: 'girocard',
      type: 'refund',
    },
    {
      occurredAt: at('2026-05-31T12:30:00'),
      amountMinor: 5000,
      cardBrand: 'visa',
      status: 'declined',
    },
    { occurredAt: at('2026-05-27T09:00:00'), amountMinor: 4000, cardBrand: 'mastercard' },
    { occurredAt: at('2026-05-03T09:00:00'), amountMinor: 7000, cardBrand: 'girocard' },
    /* outside every period */
    { occurredAt: at('2026-06-01T00:00:00'), amountMinor: 111_111, cardBrand: 'girocard' },
    { occurredAt: at('2026-04-30T23:59:59'), amountMinor: 222_222, cardBrand: 'girocard' },
  ])
  const closing = await new ClosingIngest().ingest([
    {
      terminal_id: TID,
      closing_number: 7,
      closed_at: at('2026-05-27T22:00:00').toISO()!,
      totals: [{ card_brand: 'mastercard', sales_count: 1, sales_minor: 4000 }],
    },
  ])
  if (closing.results[0].status !== 'created') throw new Error('closing not created')
  const payout = await new PayoutIngest().ingest([
    {
      reference: 'PO-BERICHT-1',
      customer_number: customer.customerNumber,
      value_date: '2026-05-29',
      currency: 'EUR',
      kind: 'schemes',
      gross_minor: 4000,
      fees_minor: 60,
      net_minor: 3940,
      status: 'paid',
      closings: [{ terminal_id: TID, closing_number: 7 }],
    },
  ])
  if (payout.results[0].status !== 'created') throw new Error('payout not created')
  return { owner, customer }
}

async function member(customer: Customer, email: string, role: CustomerRole, locale: string) {
  const { user } = await createMerchant({ email, locale, customers: [] })
  await user.related('customers').attach({ [customer.id]: { role, proven_by: 'support' } })
  return user
}

async function subscribe(email: string, customerNumber: string, frequencies: string[]) {
  const agent = new Agent()
  await loginAs(agent, email, DEFAULT_PASSWORD)
  const response = await agent.post(
    '/reports',
    { 'customer': customerNumber, 'frequencies[]': frequencies },
    { csrfFrom: '/reports' }
  )
  if (response.status !== 302) throw new Error(`subscribe failed: ${response.status}`)
  return agent
}

const textOf = (mail: SunkMail) => (mail.parsed.text ?? '').replace(/[\u00a0\u202f]/g, ' ')
const to = (sink: SmtpSink, address: string, subject: string) =>
  sink.to(address).filter((mail) => (mail.parsed.subject ?? '').includes(subject))

/** The portal's own CSV export for the user and period, as raw bytes. */
async function portalCsv(agent: Agent, customer: string, from: string, until: string) {
  const cookie = [...agent.jar].map(([name, value]) => `${name}=${value}`).join('; ')
  const qs = new URLSearchParams({ from, to: until, customer })
  const response = await fetch(`${agent.baseUrl}/transactions.csv?${qs}`, {
    headers: { cookie },
    redirect: 'manual',
  })
  if (response.status !== 200) throw new Error(`export answered ${response.status}`)
  return Buffer.from(await response.arrayBuffer())
}

test.group('Reports by mail: subscriptions', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('a user subscribes and unsubscribes on „Berichte per E-Mail“', async ({ assert }) => {
    const { customer } = await team()
    const other = await createMerchant({ email: 'fremd@bericht.example' })
    const agent = new Agent({ 'accept-language': 'de' })
    await loginAs(agent, OWNER, DEFAULT_PASSWORD)

    const page = await agent.get('/reports')
    assert.equal(page.status, 200)
    assert.include(page.text, 'Berichte per E-Mail')
    assert.include(page.text, `${customer.customerNumber} – Bericht Bäckerei GmbH`)
    assert.include(page.text, 'Wöchentlich (Vorwoche, montags)')
    const home = await agent.get('/')
    assert.include(home.text, 'href="/reports"')

    const saved = await agent.post(
      '/reports',
      { 'customer': customer.customerNumber, 'frequencies[]': ['weekly', 'monthly'] },
      { csrfFrom: '/reports' }
    )
    assert.equal(saved.status, 302)
    const after = await agent.follow(saved)
    assert.include(after.text, `Ihre Berichte für ${customer.customerNumber} sind gespeichert.`)
    assert.match(after.text, /id="report-\d+-weekly"[^>]*checked/)
    assert.notMatch(after.text, /id="report-\d+-daily"[^>]*checked/)
    const rows = await db.from('report_subscriptions').orderBy('frequency').select('frequency')
    assert.deepEqual(
      rows.map((row) => row.frequency),
      ['monthly', 'weekly']
    )

    /* none ticked: no report any more */
    await agent.post('/reports', { customer: customer.customerNumber }, { csrfFrom: '/reports' })
    assert.lengthOf(await db.from('report_subscriptions'), 0)

    /* another customer's number is the shared 404; no CSRF token is refused */
    const foreign = await agent.post(
      '/reports',
      { 'customer': other.customers[0].customerNumber, 'frequencies[]': ['daily'] },
      { csrfFrom: '/reports' }
    )
    assert.equal(foreign.status, 404)
    const noCsrf = await agent.postWithoutCsrf('/reports', {
      'customer': customer.customerNumber,
      'frequencies[]': ['daily'],
    })
    assert.notEqual(noCsrf.location, '/reports')
    assert.lengthOf(await db.from('report_subscriptions'), 0)

    /* in English too */
    const english = new Agent({ 'accept-language': 'en' })
    await loginAs(english, ACCOUNTANT, DEFAULT_PASSWORD)
    const englishPage = await english.get('/reports')
    assert.include(englishPage.text, 'Reports by e-mail')
    assert.include(englishPage.text, 'Weekly (previous week, on Mondays)')
    /* a guest is sent to the login */
    const guest = await new Agent().get('/reports')
    assert.equal(guest.status, 302)
  })

  test('the signed link asks, and its button unsubscribes without a login; a tampered one is refused', async ({
    assert,
  }) => {
    const { customer } = await team()
    await subscribe(OWNER, customer.customerNumber, ['daily', 'weekly'])
    await triggerReports(RUN_AT)
    const mail = await smtpSink.waitFor(
      (m) => (m.parsed.subject ?? '').startsWith('Tagesbericht'),
      20_000
    )
    const link = linkIn(mail, '/reports/unsubscribe/')
    const headers = mail.raw.toString('utf8').replace(/\r?\n[ \t]+/g, ' ')
    assert.include(headers, `List-Unsubscribe: <${link}>`)

    const guest = new Agent()
    const tampered = new URL(link)
    tampered.searchParams.set('signature', tampered.searchParams.get('signature')!.slice(0, -2))
    assert.equal((await guest.get(tampered.pathname + tampered.search)).status, 404)
    const ids = await db.from('report_subscriptions').orderBy('id').select('id')
    const otherId = ids.map((row) => Number(row.id)).find((id) => !link.includes(`/${id}?`))!
    const forged = pathOf(link).replace(/\/unsubscribe\/\d+/, `/unsubscribe/${otherId}`)
    assert.equal((await guest.get(forged)).status, 404)
    assert.equal((await guest.get(new URL(link).pathname)).status, 404)
    assert.lengthOf(await db.from('report_subscriptions'), 2)

    /* opening the link (as mail scanners and link previews do) changes nothing */
    const page = await guest.get(pathOf(link))
    assert.equal(page.status, 200)
    assert.include(page.text, 'Bericht abbestellen')
    assert.include(page.text, customer.customerNumber)
    assert.include(page.text, 'Täglich (Vortag)')
    assert.lengthOf(await db.from('report_subscriptions'), 2)
    const action = page.text.match(
      /<form method="POST" action="(\/reports\/unsubscribe\/[^"]+)"/
    )?.[1]
    assert.equal(action?.replaceAll('&amp;', '&'), pathOf(link))
    /* a forged POST is refused too */
    assert.equal((await guest.postWithoutCsrf(forged)).status, 404)
    assert.lengthOf(await db.from('report_subscriptions'), 2)

    const done = await guest.postWithoutCsrf(pathOf(link))
    assert.equal(done.status, 200)
    assert.include(done.text, 'Bericht abbestellt')
    assert.include(done.text, customer.customerNumber)
    const left = await db.from('report_subscriptions').select('frequency')
    assert.deepEqual(
      left.map((row) => row.frequency),
      ['weekly']
    )
    const audit = await db.from('audit_events').where('action', 'reports.unsubscribed')
    assert.lengthOf(audit, 1)
    /* a second click is harmless */
    assert.include((await guest.get(pathOf(link))).text, 'bereits abbestellt')
    const again = await guest.postWithoutCsrf(pathOf(link))
    assert.equal(again.status, 200)
    assert.include(again.text, 'bereits abbestellt')
    assert.lengthOf(await db.from('audit_events').where('action', 'reports.unsubscribed'), 1)
  })

  test('a mail client unsubscribes with the RFC 8058 one-click POST, without a CSRF token', async ({
    assert,
  }) => {
    const { customer } = await team()
    await subscribe(OWNER, customer.customerNumber, ['daily'])
    /* another day than the other tests: BullMQ keeps finished job ids, and ids restart after a reset */
    await triggerReports('2026-06-03T06:00:00+02:00')
    const mail = await smtpSink.waitFor(
      (m) => (m.parsed.subject ?? '').startsWith('Tagesbericht'),
      20_000
    )
    const headers = mail.raw.toString('utf8').replace(/\r?\n[ \t]+/g, ' ')
    assert.include(headers, 'List-Unsubscribe-Post: List-Unsubscribe=One-Click')
    const link = linkIn(mail, '/reports/unsubscribe/')
    const guest = new Agent()
    const tampered = new URL(link)
    tampered.searchParams.set('signature', tampered.searchParams.get('signature')!.slice(0, -2))
    const refused = await guest.postWithoutCsrf(tampered.pathname + tampered.search, {
      'List-Unsubscribe': 'One-Click',
    })
    assert.equal(refused.status, 404)
    assert.lengthOf(await db.from('report_subscriptions'), 1)
    const done = await guest.postWithoutCsrf(pathOf(link), { 'List-Unsubscribe': 'One-Click' })
    assert.equal(done.status, 200)
    assert.lengthOf(await db.from('report_subscriptions'), 0)
  })
})

test.group('Reports by mail: the delivery guard', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('the same report sent at once by several jobs goes out once', async ({ assert }) => {
    const { customer } = await team()
    await subscribe(OWNER, customer.customerNumber, ['weekly'])
    const [row] = await db.from('report_subscriptions').select('id')
    const payload = { subscriptionId: Number(row.id), period: 'week-2026-W22' }
    const results = await Promise.all([1, 2, 3, 4].map(() => ReportDelivery.sendOne(payload)))
    assert.equal(results.filter((result) => result.sent).length, 1)
    assert.deepEqual((await ReportDelivery.sendOne(payload)).reason, 'done')
    await smtpSink.waitFor((m) => (m.parsed.subject ?? '').startsWith('Wochenbericht'), 20_000)
    await sleep(1500)
    assert.lengthOf(smtpSink.to(OWNER), 1)
    /* the fan-out of a later run adds nothing for a delivered period */
    assert.equal((await ReportDelivery.fanOut(DateTime.fromISO(RUN_AT))).enqueued, 0)
  })
})

test.group('Reports by mail: two workers, the scheduler restarted twice', (group) => {
  const prefix = `${env.get('QUEUE_PREFIX', 'kp-test')}-reports`
  /* a sink of its own on a port found free (not a guess next to the suite's sink) */
  let childEnv: ReturnType<typeof workerEnv>
  let sink: SmtpSink
  const workers: WorkerProcess[] = []
  let money: Queue | undefined

  group.setup(async () => {
    const smtpPort = await freePort()
    childEnv = workerEnv(prefix, smtpPort)
    sink = new SmtpSink({ port: smtpPort, host: env.get('SMTP_HOST') })
  })

  group.each.setup(async () => {
    await resetState()
    money = new Queue('money', { connection: queueConnection, prefix })
    for (const name of ['mail', 'money']) {
      const queue = new Queue(name, { connection: queueConnection, prefix })
      await queue.obliterate({ force: true })
      await queue.close()
    }
    await sink.start()
    return async () => {
      for (const worker of workers.splice(0)) {
        worker.child.kill('SIGTERM')
        await worker.exited
      }
      await money?.close()
      await sink.stop()
    }
  })
  group.each.timeout(180_000)

  const start = () => startWorker(childEnv, ['mail', 'money'])
  async function restart(index: number) {
    workers[index].child.kill('SIGTERM')
    await workers[index].exited
    workers[index] = await start()
  }
  const trigger = () =>
    money!.add(sendReportsJob.name, { triggeredBy: 'test', at: RUN_AT }, sendReportsJob.options)

  test('each subscriber gets exactly one report per period, the CSV equal to the export', async ({
    assert,
  }) => {
    const { customer } = await team()
    const number = customer.customerNumber
    const owner = await subscribe(OWNER, number, ['daily', 'weekly', 'monthly'])
    const accountant = await subscribe(ACCOUNTANT, number, ['weekly'])
    await subscribe(VIEWER, number, ['monthly'])

    workers.push(await start(), await start())
    await trigger()
    await restart(0)
    await trigger()
    await restart(1)
    await trigger()
    /* the scheduler is there once, however often it was registered */
    const schedulers = await money!.getJobSchedulers()
    assert.lengthOf(
      schedulers.filter((s) => s.key === sendReportsJob.schedulerId),
      1
    )
    await waitUntil(() => sink.mails.length >= 5, 60_000, 'five reports')
    /* BullMQ forgets the finished jobs: only the database guard stands between a run and a second mail */
    await money!.clean(0, 1000, 'completed')
    await trigger()
    await sleep(4000)

    assert.lengthOf(to(sink, OWNER, 'Tagesbericht'), 1)
    assert.lengthOf(to(sink, OWNER, 'Wochenbericht'), 1)
    assert.lengthOf(to(sink, OWNER, 'Monatsbericht'), 1)
    assert.lengthOf(to(sink, ACCOUNTANT, 'Weekly report'), 1)
    assert.lengthOf(to(sink, VIEWER, 'Monatsbericht'), 1)
    assert.lengthOf(sink.mails, 5)
    assert.lengthOf(await db.from('report_deliveries'), 5)

    /* the owner's daily report: the figures of 31 May and the portal's CSV of that day */
    const daily = to(sink, OWNER, 'Tagesbericht')[0]
    assert.include(daily.parsed.subject!, `31.05.2026 · ${number}`)
    const dailyText = textOf(daily)
    assert.include(dailyText, 'Umsatz: 19,40 € aus 4 Transaktionen.')
    assert.include(dailyText, 'girocard: 9,50 € (2 Zahlungen)')
    assert.include(dailyText, 'Visa: 9,90 € (1 Zahlung)')
    assert.include(dailyText, 'Auszahlungen mit Valuta im Zeitraum: keine')
    assert.include(dailyText, 'transaktionen_2026-05-31_2026-05-31.csv')
    const [dailyCsv] = daily.parsed.attachments
    assert.equal(dailyCsv.filename, `transaktionen_${DAY}_${DAY}.csv`)
    const dailyPortal = await portalCsv(owner, number, DAY, DAY)
    assert.isTrue(dailyCsv.content.equals(dailyPortal), 'the daily CSV equals the export')
    assert.equal(dailyPortal.toString('utf8').trim().split('\n').length, 1 + 4)

    /* the owner's weekly and monthly: closing, payout, each CSV equal to the export */
    const weekly = to(sink, OWNER, 'Wochenbericht')[0]
    assert.include(weekly.parsed.subject!, '25.05.2026 – 31.05.2026')
    const weeklyText = textOf(weekly)
    assert.include(weeklyText, 'Kassenschnitte: 1 Kassenschnitt, netto 40,00 €')
    assert.include(weeklyText, 'PO-BERICHT-1, Valuta 29.05.2026: brutto 40,00 €, Gebühren 0,60 €')
    assert.isTrue(
      weekly.parsed.attachments[0].content.equals(
        await portalCsv(owner, number, WEEK.from, WEEK.to)
      )
    )
    const monthly = to(sink, OWNER, 'Monatsbericht')[0]
    assert.include(textOf(monthly), 'Umsatz: 129,40 € aus 6 Transaktionen.')
    assert.include(textOf(monthly), 'PO-BERICHT-1')
    assert.isTrue(
      monthly.parsed.attachments[0].content.equals(
        await portalCsv(owner, number, MONTH.from, MONTH.to)
      )
    )

    /* the English accountant: an English mail, the English CSV as the English export */
    const english = to(sink, ACCOUNTANT, 'Weekly report')[0]
    const englishText = textOf(english)
    assert.include(englishText, 'Hello,')
    assert.include(englishText, 'Turnover: €59.40 from 5 transactions.')
    assert.include(englishText, 'Payouts with a value date in the period: 1 payout')
    const englishAgent = new Agent({ 'accept-language': 'en' })
    await loginAs(englishAgent, ACCOUNTANT, DEFAULT_PASSWORD)
    englishAgent.jar.set('kp_locale', 'en')
    assert.isTrue(
      english.parsed.attachments[0].content.equals(
        await portalCsv(englishAgent, number, WEEK.from, WEEK.to)
      )
    )
    void accountant

    /* the viewer: no payouts, no invoices, no CSV (a viewer may not export) */
    const viewer = to(sink, VIEWER, 'Monatsbericht')[0]
    const viewerText = textOf(viewer)
    assert.include(viewerText, 'Umsatz: 129,40 € aus 6 Transaktionen.')
    assert.notInclude(viewerText, 'Auszahlung')
    assert.notInclude(viewerText, 'PO-BERICHT-1')
    assert.notInclude(viewerText, 'Rechnungen im Zeitraum')
    assert.lengthOf(viewer.parsed.attachments, 0)
    assert.notInclude(String(viewer.parsed.html), 'PO-BERICHT-1')
  })
})
