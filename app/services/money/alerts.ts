import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import logger from '@adonisjs/core/services/logger'
import Customer from '#models/customer'
import MoneyAlertMail, { type MoneyAlertData } from '#mails/money_alert_mail'
import { visibleLinksOnly } from '#services/account/owner_links'

/** A terminal without a Kassenschnitt for this many days is reported (its girocard guarantee lapses after 8). */
export const UNCLOSED_ALERT_DAYS = 5
/* the transaction types a Kassenschnitt settles: the money a terminal holds */
const OPEN_MONEY_TYPES = ['sale', 'refund', 'reversal']
/** Only events of this many days back are mailed: no mail about old history at the first run. */
export const ALERT_WINDOW_DAYS = 14

type Setting = 'alert_unclosed' | 'alert_differences'
type AlertSubject = DistributiveOmit<MoneyAlertData, 'customerNumber' | 'companyName'>
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** One event worth a mail: its key in `money_alerts` makes it mail once. */
type AlertEvent = { key: string; customerId: number; setting: Setting; subject: AlertSubject }

export type MoneyAlertsResult = {
  /** events mailed in this run (each once, to every recipient who wants it) */
  alerted: string[]
  /** mails enqueued */
  mails: number
}

/**
 * Mails each money event once to the customer's owners and accountants who
 * have not turned that alert off (docs/money.md, "Alerts"):
 * - a terminal without a Kassenschnitt for 5 days (again only after it closed and stalled again);
 * - a closing and a payout with a difference, of the last 14 days.
 *
 * Idempotent per event even with several workers at once: the event's key is
 * inserted into `money_alerts` (UNIQUE) in a transaction that stays open while
 * the mails are enqueued on the mail queue. A concurrent run's insert waits for
 * it and then fails as a duplicate (nothing sent twice); if enqueueing fails,
 * the transaction rolls back and the next run tries again — the mails that were
 * enqueued before the failure are not enqueued a second time (`PortalMail.once`:
 * one mail queue job per event and recipient). SMTP failures are retried by the
 * mail queue.
 */
export async function runMoneyAlerts(now: DateTime = DateTime.utc()): Promise<MoneyAlertsResult> {
  const events = [
    ...(await unclosedTerminals(now)),
    ...(await closingDifferences(now)),
    ...(await payoutDifferences(now)),
  ]
  const done = await alreadyAlerted(events.map((event) => event.key))
  const pending = events.filter((event) => !done.has(event.key))
  const result: MoneyAlertsResult = { alerted: [], mails: 0 }
  if (!pending.length) return result

  const customers = new Map(
    (
      await Customer.query().whereIn('id', [...new Set(pending.map((event) => event.customerId))])
    ).map((customer) => [customer.id, customer])
  )
  const failures: unknown[] = []
  for (const event of pending) {
    const customer = customers.get(event.customerId)
    if (!customer) continue
    try {
      const mails = await alertOnce(event, customer)
      if (mails === null) continue
      result.alerted.push(event.key)
      result.mails += mails
    } catch (error) {
      logger.error({ event: event.key, err: (error as Error).message }, 'money alert not sent')
      failures.push(error)
    }
  }
  /* the job fails (and is retried): the events that failed were rolled back and are still pending */
  if (failures.length) {
    throw new Error(`${failures.length} money alert(s) failed: ${(failures[0] as Error).message}`)
  }
  return result
}

/** Claims the event and enqueues its mails in one transaction; null when another run has it. */
async function alertOnce(event: AlertEvent, customer: Customer) {
  const recipients = await recipientsOf(event.customerId, event.setting)
  return db.transaction(async (trx) => {
    try {
      await trx.table('money_alerts').insert({
        event_key: event.key,
        customer_id: event.customerId,
        created_at: sqlDateTime(DateTime.utc()),
      })
    } catch (error) {
      if (isDuplicateKey(error)) return null
      throw error
    }
    const data = {
      ...event.subject,
      customerNumber: customer.customerNumber,
      companyName: customer.companyName,
    } as MoneyAlertData
    for (const recipient of recipients) {
      await mail.sendLater(
        new MoneyAlertMail(recipient.email, recipient.locale, data).once(
          `money-alert/${event.key}/${recipient.email}`
        )
      )
    }
    return recipients.length
  })
}

/** The customer's active owners and accountants who want this alert. */
async function recipientsOf(customerId: number, setting: Setting) {
  const rows = await visibleLinksOnly(
    db.from('customer_user').join('users', 'users.id', 'customer_user.user_id')
  )
    .where('customer_user.customer_id', customerId)
    .whereIn('customer_user.role', ['owner', 'accountant'])
    .where('users.state', 'active')
    .where(`users.${setting}`, true)
    .orderBy('users.id')
    .select('users.email', 'users.locale')
  return rows as { email: string; locale: string }[]
}

async function alreadyAlerted(keys: string[]) {
  const done = new Set<string>()
  for (let start = 0; start < keys.length; start += 500) {
    const rows = await db
      .from('money_alerts')
      .whereIn('event_key', keys.slice(start, start + 500))
      .select('event_key')
    for (const row of rows) done.add(row.event_key)
  }
  return done
}

/**
 * Active terminals holding approved payments not closed yet: those whose last
 * Kassenschnitt is 5 days old or more, and those that never closed with such a
 * payment 5 to 14 days old (a window, so the first run does not report
 * years-old history). A terminal with nothing open has no guarantee at risk.
 */
async function unclosedTerminals(now: DateTime): Promise<AlertEvent[]> {
  const limit = sqlDateTime(now.minus({ days: UNCLOSED_ALERT_DAYS }))
  const windowStart = sqlDateTime(now.minus({ days: ALERT_WINDOW_DAYS }))
  const stalled = await db
    .from('terminals')
    .where('status', 'active')
    .where('last_closed_at', '<=', limit)
    .whereExists((open) =>
      open
        .from('transactions')
        .whereColumn('transactions.terminal_id', 'terminals.id')
        .whereColumn('transactions.customer_id', 'terminals.customer_id')
        .whereNull('transactions.closing_id')
        .where('transactions.status', 'approved')
        /* what a closing settles (money_overview holdsMoneyFor): pre-authorisations are not */
        .whereIn('transactions.type', OPEN_MONEY_TYPES)
        .select(db.raw('1'))
    )
    .select('id', 'terminal_id', 'customer_id', 'last_closed_at')
  const neverClosed = await db
    .from('terminals')
    .join('transactions', (on) =>
      on
        .on('transactions.terminal_id', '=', 'terminals.id')
        .andOn('transactions.customer_id', '=', 'terminals.customer_id')
    )
    .where('terminals.status', 'active')
    .whereNull('terminals.last_closed_at')
    .whereNull('transactions.closing_id')
    .where('transactions.status', 'approved')
    .whereIn('transactions.type', OPEN_MONEY_TYPES)
    .whereBetween('transactions.occurred_at', [windowStart, limit])
    .groupBy('terminals.id', 'terminals.terminal_id', 'terminals.customer_id')
    .select('terminals.id', 'terminals.terminal_id', 'terminals.customer_id')
    .min('transactions.occurred_at as oldest')
  const event = (row: any, since: DateTime, lastClosedAt: DateTime | null): AlertEvent => ({
    key: `unclosed:${row.id}:${lastClosedAt ? lastClosedAt.toFormat("yyyyMMdd'T'HHmmss") : 'never'}`,
    customerId: Number(row.customer_id),
    setting: 'alert_unclosed',
    subject: {
      kind: 'unclosed',
      tid: row.terminal_id,
      lastClosedAt: lastClosedAt?.toISO() ?? null,
      days: Math.floor(now.diff(since, 'days').days),
    },
  })
  return [
    ...stalled.map((row) => {
      const lastClosedAt = fromDb(row.last_closed_at)
      return event(row, lastClosedAt, lastClosedAt)
    }),
    ...neverClosed.map((row) => event(row, fromDb(row.oldest), null)),
  ]
}

/** Closings of the last 14 days whose totals do not match the linked payments. */
async function closingDifferences(now: DateTime): Promise<AlertEvent[]> {
  const rows = await db
    .from('closings')
    .join('terminals', 'terminals.id', 'closings.terminal_id')
    .where('closings.has_difference', true)
    .where('closings.closed_at', '>=', sqlDateTime(now.minus({ days: ALERT_WINDOW_DAYS })))
    .orderBy('closings.id')
    .select(
      'closings.id',
      'closings.customer_id',
      'closings.closing_number',
      'closings.closed_at',
      'closings.difference_minor',
      'terminals.terminal_id as tid'
    )
  return rows.map((row) => ({
    key: `closing:${row.id}`,
    customerId: Number(row.customer_id),
    setting: 'alert_differences',
    subject: {
      kind: 'closing',
      closingId: Number(row.id),
      tid: row.tid,
      closingNumber: Number(row.closing_number),
      closedAt: fromDb(row.closed_at).toISO()!,
      differenceMinor: Number(row.difference_minor),
    },
  }))
}

/** Payouts valued in the last 14 days (or later) whose gross does not match their closings. */
async function payoutDifferences(now: DateTime): Promise<AlertEvent[]> {
  const since = now.setZone('Europe/Berlin').minus({ days: ALERT_WINDOW_DAYS }).toISODate()!
  const rows = await db
    .from('payouts')
    .where('has_difference', true)
    .where('value_date', '>=', since)
    .orderBy('id')
    .select(
      'id',
      'customer_id',
      'reference',
      'value_date',
      'gross_minor',
      'expected_gross_minor',
      'difference_minor'
    )
  return rows.map((row) => ({
    key: `payout:${row.id}`,
    customerId: Number(row.customer_id),
    setting: 'alert_differences',
    subject: {
      kind: 'payout',
      payoutId: Number(row.id),
      reference: row.reference,
      valueDate: dateOf(row.value_date),
      grossMinor: Number(row.gross_minor),
      expectedGrossMinor: Number(row.expected_gross_minor ?? 0),
      differenceMinor: Number(row.difference_minor),
    },
  }))
}

/** UTC `yyyy-MM-dd HH:mm:ss`, as the DATETIME columns hold it (MariaDB and SQLite). */
function sqlDateTime(value: DateTime) {
  return value.toUTC().toFormat('yyyy-MM-dd HH:mm:ss')
}

/** A DATETIME as read: a Date (MariaDB) or a UTC string (SQLite). */
function fromDb(value: Date | string): DateTime {
  if (value instanceof Date) return DateTime.fromJSDate(value, { zone: 'utc' })
  const parsed = DateTime.fromSQL(value, { zone: 'utc' })
  return parsed.isValid ? parsed : DateTime.fromISO(value, { zone: 'utc' })
}

/** A DATE as read: a Date at UTC midnight (MariaDB) or `yyyy-MM-dd` (SQLite). */
function dateOf(value: Date | string) {
  return value instanceof Date
    ? DateTime.fromJSDate(value, { zone: 'utc' }).toISODate()!
    : String(value).slice(0, 10)
}

function isDuplicateKey(error: unknown) {
  const code = (error as { code?: string })?.code
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE'
}
