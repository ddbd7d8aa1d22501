import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type Customer from '#models/customer'
import type Terminal from '#models/terminal'
import type { CustomerRole } from '#models/customer_user'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { DEFAULT_PASSWORD, createMerchant, loginAs, mailTo } from '#tests/helpers/auth'
import { Agent } from '#tests/helpers/agent'
import { addTransactions } from '#tests/functional/merchant/fixtures'
import { runMoneyAlerts } from '#services/money/alerts'
import { registerMoneyAlertsScheduler } from '#services/money/alert_scheduler'
import { ClosingIngest } from '#services/ingest/closing_ingest'
import { PayoutIngest } from '#services/ingest/payout_ingest'
import { getQueue } from '#services/queue/queues'
import { moneyAlertsJob } from '#jobs/money_alerts'

/*
| The money alerts (issue 16, point 5): a terminal without a Kassenschnitt for
| 5 days, a closing or payout with a difference → one mail per event to the
| customer's owners and accountants (not viewers), in their language, unless
| they turned that alert off. Mails go the real way: mail queue → worker → SMTP.
*/

const TID = '12345678'
const OWNER = 'inhaber@alarm.example'
const ACCOUNTANT = 'accountant@alarm.example'
const VIEWER = 'ansicht@alarm.example'

/** A customer with one terminal, its owner (German), an accountant (English) and a viewer. */
async function team() {
  const owner = await createMerchant({
    email: OWNER,
    locale: 'de',
    customers: [{ companyName: 'Alarm Bäckerei GmbH', terminals: [{ terminalId: TID }] }],
  })
  const customer = owner.customers[0]
  await member(customer, ACCOUNTANT, 'accountant', 'en')
  await member(customer, VIEWER, 'viewer', 'de')
  return { owner: owner.user, customer, terminal: owner.terminals[0] }
}

async function member(customer: Customer, email: string, role: CustomerRole, locale: string) {
  const { user } = await createMerchant({ email, locale, customers: [] })
  await user.related('customers').attach({ [customer.id]: { role, proven_by: 'support' } })
  return user
}

/** The mail's text part as read (non-breaking spaces as spaces). */
const textOf = (mail: { parsed: { text?: string } }) =>
  (mail.parsed.text ?? '').replace(/[\u00a0\u202f]/g, ' ')
const htmlOf = (mail: { parsed: { html?: string | false } }) =>
  String(mail.parsed.html || '').replace(/[\u00a0\u202f]|&nbsp;/g, ' ')

/** Lets any mail still on its way arrive before counting. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500))

const count = (address: string, subject: string) =>
  smtpSink.to(address).filter((mail) => (mail.parsed.subject ?? '').includes(subject)).length

async function stalled(terminal: Terminal, lastClosedDaysAgo: number) {
  await addTransactions(terminal, [
    {
      occurredAt: DateTime.utc().minus({ days: lastClosedDaysAgo - 0.5 }),
      amountMinor: 4200,
    },
  ])
  await db
    .from('terminals')
    .where('id', terminal.id)
    .update({
      last_closed_at: DateTime.utc()
        .minus({ days: lastClosedDaysAgo })
        .toFormat('yyyy-MM-dd HH:mm:ss'),
    })
}

const closedAt = (minutesAgo: number) =>
  DateTime.now().setZone('Europe/Berlin').minus({ minutes: minutesAgo }).toISO()!

test.group('Money alerts', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('a terminal without a Kassenschnitt for 5 days mails owner and accountant once, in their language', async ({
    assert,
  }) => {
    const { terminal } = await team()
    await stalled(terminal, 6)

    /* two workers at once, then again: one event, one mail per user */
    const [first, second] = await Promise.all([runMoneyAlerts(), runMoneyAlerts()])
    assert.lengthOf([...first.alerted, ...second.alerted], 1)
    assert.equal(first.mails + second.mails, 2)
    assert.deepEqual((await runMoneyAlerts()).alerted, [])

    const german = await mailTo(OWNER, `Terminal ${TID} ohne Kassenschnitt`)
    const text = textOf(german)
    assert.include(text, `Terminal ${TID} hat seit 6 Tagen keinen Kassenschnitt gemacht`)
    assert.include(
      text,
      'Die girocard-Zahlungsgarantie erlischt nach 8 Tagen: bitte führen Sie einen Kassenschnitt durch.'
    )
    assert.include(text, 'Alarm Bäckerei GmbH')
    assert.match(text, /https?:\/\/\S+\/closings\b/)
    /* where to turn it off: the account page */
    assert.match(text, /Benutzerkonto[^\n]*https?:\/\/\S+\/account#alerts/)
    assert.include(htmlOf(german), 'Die girocard-Zahlungsgarantie erlischt nach 8 Tagen')

    const english = await mailTo(ACCOUNTANT, `Terminal ${TID} without an end-of-day closing`)
    assert.include(textOf(english), 'The girocard payment guarantee lapses after 8 days')
    assert.match(textOf(english), /https?:\/\/\S+\/account#alerts/)

    await settle()
    assert.equal(count(OWNER, TID), 1)
    assert.equal(count(ACCOUNTANT, TID), 1)
    assert.lengthOf(smtpSink.to(VIEWER), 0)
    assert.lengthOf(await db.from('money_alerts'), 1)

    /* it closed, then stalled again: a new event, mailed again once */
    await stalled(terminal, 5)
    assert.lengthOf((await runMoneyAlerts()).alerted, 1)
    assert.deepEqual((await runMoneyAlerts()).alerted, [])
    await settle()
    assert.equal(count(OWNER, TID), 2)
  })

  test('a run retried after its mails were enqueued (its claim rolled back) sends none of them twice', async ({
    assert,
  }) => {
    const { terminal } = await team()
    await stalled(terminal, 6)
    assert.equal((await runMoneyAlerts()).mails, 2)
    /* what a failure after enqueueing leaves behind: the mails on their way, no claim */
    await db.from('money_alerts').delete()
    const retried = await runMoneyAlerts()
    assert.lengthOf(retried.alerted, 1)
    await mailTo(OWNER, `Terminal ${TID} ohne Kassenschnitt`)
    await mailTo(ACCOUNTANT, `Terminal ${TID} without an end-of-day closing`)
    await settle()
    assert.equal(count(OWNER, TID), 1)
    assert.equal(count(ACCOUNTANT, TID), 1)
    /* each delivery carries its own Message-ID, the same on a retry */
    const [mail] = smtpSink.to(OWNER)
    assert.match(String(mail.parsed.messageId), /^<[0-9a-f]{40}@[^>]+>$/)
  })

  test('a terminal that closed recently, or has nothing open, is no alert', async ({ assert }) => {
    const { terminal } = await team()
    await stalled(terminal, 3)
    assert.deepEqual((await runMoneyAlerts()).alerted, [])
    /* stalled for 6 days but every payment closed: no guarantee at risk */
    await db
      .from('terminals')
      .where('id', terminal.id)
      .update({
        last_closed_at: DateTime.utc().minus({ days: 6 }).toFormat('yyyy-MM-dd HH:mm:ss'),
      })
    await db.from('transactions').update({ closing_id: 999 })
    assert.deepEqual((await runMoneyAlerts()).alerted, [])
  })

  test('one rule for „no Kassenschnitt“: declined attempts or a pre-authorisation alone are no alert, no badge, no dashboard card; an approved sale is all three', async ({
    assert,
  }) => {
    const { terminal } = await team()
    await db
      .from('terminals')
      .where('id', terminal.id)
      .update({
        last_closed_at: DateTime.utc().minus({ days: 6 }).toFormat('yyyy-MM-dd HH:mm:ss'),
      })
    await addTransactions(terminal, [
      { occurredAt: DateTime.utc().minus({ days: 2 }), amountMinor: 900, status: 'declined' },
      { occurredAt: DateTime.utc().minus({ days: 2 }), amountMinor: 5000, type: 'preauth' },
    ])
    const agent = new Agent()
    await loginAs(agent, OWNER, DEFAULT_PASSWORD)
    const surfaces = async () => ({
      alert: (await runMoneyAlerts()).alerted.length > 0,
      badge: (await agent.get('/closings')).text.includes('kein Kassenschnitt</span>'),
      card: (await agent.get('/')).text.includes('id="unclosed-terminals"'),
    })
    assert.deepEqual(await surfaces(), { alert: false, badge: false, card: false })

    await addTransactions(terminal, [
      { occurredAt: DateTime.utc().minus({ days: 1 }), amountMinor: 4200, type: 'sale' },
    ])
    assert.deepEqual(await surfaces(), { alert: true, badge: true, card: true })
  })

  test('a closing that does not add up mails the difference once', async ({ assert }) => {
    const { terminal } = await team()
    await addTransactions(terminal, [
      { amountMinor: 10_000, occurredAt: DateTime.utc().minus({ minutes: 50 }) },
      { amountMinor: 2_000, occurredAt: DateTime.utc().minus({ minutes: 40 }) },
    ])
    /* the terminal reports 1.234,56 € more than the portal links */
    const { results } = await new ClosingIngest().ingest([
      {
        terminal_id: TID,
        closing_number: 42,
        closed_at: closedAt(10),
        totals: [{ card_brand: 'girocard', sales_count: 2, sales_minor: 12_000 + 123_456 }],
      },
    ])
    assert.equal(results[0].status, 'created')
    const closingId = (results[0] as { id: number }).id

    await Promise.all([runMoneyAlerts(), runMoneyAlerts()])
    await runMoneyAlerts()

    const german = await mailTo(OWNER, 'Differenz im Kassenschnitt 42')
    const text = textOf(german)
    assert.include(text, `Terminal ${TID}`)
    assert.include(text, 'Differenz: 1.234,56 €')
    assert.match(text, new RegExp(`https?://\\S+/closings/${closingId}\\b`))
    assert.match(text, /https?:\/\/\S+\/account#alerts/)
    assert.include(htmlOf(german), '1.234,56 €')
    const english = await mailTo(ACCOUNTANT, `Difference in closing 42 of terminal ${TID}`)
    assert.include(textOf(english), 'Difference: €1,234.56')

    await settle()
    assert.equal(count(OWNER, 'Differenz'), 1)
    assert.equal(count(ACCOUNTANT, 'Difference'), 1)
    assert.lengthOf(smtpSink.to(VIEWER), 0)
  })

  test('a payout that does not match its closings mails owners and accountants once', async ({
    assert,
  }) => {
    const { customer, terminal } = await team()
    await addTransactions(terminal, [
      { amountMinor: 10_000, occurredAt: DateTime.utc().minus({ minutes: 50 }) },
    ])
    const closing = await new ClosingIngest().ingest([
      {
        terminal_id: TID,
        closing_number: 1,
        closed_at: closedAt(10),
        totals: [{ card_brand: 'girocard', sales_count: 1, sales_minor: 10_000 }],
      },
    ])
    assert.equal(closing.results[0].status, 'created')
    const valueDate = DateTime.now().setZone('Europe/Berlin').plus({ days: 1 }).toISODate()
    const { results } = await new PayoutIngest().ingest([
      {
        reference: 'PO-ALARM-1',
        customer_number: customer.customerNumber,
        value_date: valueDate,
        currency: 'EUR',
        kind: 'girocard',
        gross_minor: 9_900,
        fees_minor: 23,
        net_minor: 9_877,
        status: 'expected',
        closings: [{ terminal_id: TID, closing_number: 1 }],
      },
    ])
    assert.equal(results[0].status, 'created')
    /* the matching closing is no alert; only the payout is */
    const runs = await Promise.all([runMoneyAlerts(), runMoneyAlerts()])
    assert.deepEqual(
      runs.flatMap((run) => run.alerted),
      [`payout:${(results[0] as { id: number }).id}`]
    )

    const german = await mailTo(OWNER, 'Differenz in der Auszahlung PO-ALARM-1')
    const text = textOf(german)
    assert.include(text, 'Differenz: -1,00 €')
    assert.include(text, '99,00 €')
    assert.include(text, '100,00 €')
    assert.match(text, /https?:\/\/\S+\/payouts\/\d+/)
    const english = await mailTo(ACCOUNTANT, 'Difference in payout PO-ALARM-1')
    assert.include(textOf(english), 'Difference: -€1.00')

    await runMoneyAlerts()
    await settle()
    assert.equal(count(OWNER, 'PO-ALARM-1'), 1)
    assert.equal(count(ACCOUNTANT, 'PO-ALARM-1'), 1)
    /* viewers never see payouts */
    assert.lengthOf(smtpSink.to(VIEWER), 0)
  })

  test('a user who turned an alert off gets none of that kind', async ({ assert }) => {
    const { owner, terminal } = await team()
    await db.from('users').where('id', owner.id).update({ alert_unclosed: false })
    await db.from('users').where('email', ACCOUNTANT).update({ alert_differences: false })
    await stalled(terminal, 6)
    await new ClosingIngest().ingest([
      {
        terminal_id: TID,
        closing_number: 7,
        closed_at: closedAt(5),
        totals: [{ card_brand: 'girocard', sales_count: 9, sales_minor: 99_999 }],
      },
    ])
    /* the closing linked the open payment; make the terminal stalled again for the test */
    await stalled(terminal, 6)
    const result = await runMoneyAlerts()
    assert.lengthOf(result.alerted, 2)

    await mailTo(ACCOUNTANT, `Terminal ${TID} without an end-of-day closing`)
    await mailTo(OWNER, 'Differenz im Kassenschnitt 7')
    await settle()
    assert.equal(count(OWNER, 'ohne Kassenschnitt'), 0)
    assert.equal(count(ACCOUNTANT, 'Difference'), 0)
    assert.lengthOf(smtpSink.to(OWNER), 1)
    assert.lengthOf(smtpSink.to(ACCOUNTANT), 1)
  })

  test('a customer requiring two-factor sign-in alerts only the users who have it', async ({
    assert,
  }) => {
    const { owner, customer, terminal } = await team()
    await db.from('customers').where('id', customer.id).update({ require_two_factor: true })
    await db
      .from('users')
      .where('id', owner.id)
      .update({ totp_enabled_at: DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss') })
    await stalled(terminal, 6)
    const result = await runMoneyAlerts()
    assert.equal(result.mails, 1)
    await mailTo(OWNER, `Terminal ${TID} ohne Kassenschnitt`)
    await settle()
    /* the accountant without TOTP does not see the customer, so gets no mail of it either */
    assert.lengthOf(smtpSink.to(ACCOUNTANT), 0)
  })

  test('old differences are not mailed at the first run', async ({ assert }) => {
    const { terminal } = await team()
    await addTransactions(terminal, [
      { amountMinor: 500, occurredAt: DateTime.utc().minus({ days: 20, minutes: 5 }) },
    ])
    await new ClosingIngest().ingest([
      {
        terminal_id: TID,
        closing_number: 1,
        closed_at: DateTime.now().minus({ days: 20 }).toISO()!,
        totals: [{ card_brand: 'girocard', sales_count: 1, sales_minor: 700 }],
      },
    ])
    assert.deepEqual((await runMoneyAlerts()).alerted, [])
  })

  test('the worker runs the job from its 15-minute schedule', async ({ assert }) => {
    const { terminal } = await team()
    await stalled(terminal, 6)
    const queue = getQueue(moneyAlertsJob.queue)
    await Promise.all([registerMoneyAlertsScheduler(), registerMoneyAlertsScheduler()])
    const schedulers = (await queue.getJobSchedulers()).filter(
      (entry) => entry.key === moneyAlertsJob.schedulerId
    )
    assert.lengthOf(schedulers, 1)
    assert.equal(schedulers[0].pattern, '*/15 * * * *')
    await queue.removeJobScheduler(moneyAlertsJob.schedulerId)

    /* the job as the scheduler enqueues it, run by the test worker */
    await queue.add(moneyAlertsJob.name, { triggeredBy: 'test' }, moneyAlertsJob.options)
    await mailTo(OWNER, `Terminal ${TID} ohne Kassenschnitt`)
    await mailTo(ACCOUNTANT, `Terminal ${TID} without an end-of-day closing`)
  })
})
