import { type DateTime } from 'luxon'
import { Prng } from '#demo/prng'
import {
  BRAND_BINS,
  BRAND_WEIGHTS,
  type DemoTerminal,
  type TradeProfile,
} from '#demo/demo_master_data'

export type TransactionRow = {
  reference: string
  customer_id: number
  terminal_id: number
  occurred_at: string
  type: 'sale' | 'refund' | 'reversal'
  status: 'approved' | 'declined'
  amount_minor: number
  currency: 'EUR'
  card_brand: keyof typeof BRAND_WEIGHTS
  pan_masked: string
  pan_last4: string
  auth_code: string | null
  receipt_number: string
  created_at: string
  /** the closing that submitted it (demo_closings.ts); null while open */
  closing_id: number | null
}

export type TerminalTarget = {
  tid: string
  terminal: DemoTerminal
  profile: TradeProfile
  /** the customer's payments per open day, before this terminal's share */
  customerPerDay: number
  customerId: number
  terminalId: number
}

const ZONE = 'Europe/Berlin'
const SQL_FORMAT = 'yyyy-MM-dd HH:mm:ss'
const AUTH_ALPHABET = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'

/**
 * Realistic card payments of one terminal over the last `days` days up to `now`:
 * opening hours and peaks of the trade, busier Fridays and Saturdays, the German
 * brand mix, and a few declines, refunds and reversals (a sale cancelled seconds
 * later). Deterministic for the same seed and `now`.
 */
export function* demoTransactions(
  target: TerminalTarget,
  options: { seed: number; now: DateTime; days: number }
): Generator<TransactionRow> {
  const random = new Prng(options.seed ^ Number(target.tid))
  const { profile, terminal } = target
  const now = options.now.setZone(ZONE)
  const firstDay = now.startOf('day').minus({ days: options.days - 1 })
  const installed = now.startOf('day').minus({ days: terminal.installedDaysAgo })
  const stopped =
    terminal.stoppedDaysAgo === undefined
      ? undefined
      : now.startOf('day').minus({ days: terminal.stoppedDaysAgo })
  let receipt = random.int(1000, 4000)

  for (let day = firstDay; day <= now; day = day.plus({ days: 1 })) {
    if (day < installed || (stopped && day >= stopped)) continue
    const hours = profile.hours[day.weekday as 1 | 2 | 3 | 4 | 5 | 6 | 7]
    if (!hours) continue
    const dayFactor = day.weekday === 6 ? 1.35 : day.weekday === 5 ? 1.15 : 1
    const expected = target.customerPerDay * terminal.share * dayFactor
    const count = Math.max(0, Math.round(expected * (0.8 + random.next() * 0.4)))
    const times = Array.from({ length: count }, () => pickTime(random, day, hours, profile))
      .filter((time) => time <= now)
      .sort((a, b) => a.toMillis() - b.toMillis())

    for (const time of times) {
      receipt += 1
      const card = pickCard(random)
      const amount = pickAmount(random, profile)
      const roll = random.next()
      const base = {
        customer_id: target.customerId,
        terminal_id: target.terminalId,
        currency: 'EUR' as const,
        card_brand: card.brand,
        pan_masked: card.masked,
        pan_last4: card.last4,
      }
      if (roll < 0.025) {
        yield row(base, target.tid, time, receipt, 'sale', 'declined', amount, null)
      } else if (roll < 0.033) {
        /* goods returned: a refund of a smaller, earlier purchase */
        const refund = Math.max(profile.minMinor, Math.round(amount * (0.3 + random.next() * 0.5)))
        yield row(base, target.tid, time, receipt, 'refund', 'approved', refund, authCode(random))
      } else {
        yield row(base, target.tid, time, receipt, 'sale', 'approved', amount, authCode(random))
        if (roll > 0.994) {
          /* the cashier cancels the payment right away (Storno) */
          receipt += 1
          const later = time.plus({ seconds: random.int(20, 240) })
          if (later <= now) {
            yield row(
              base,
              target.tid,
              later,
              receipt,
              'reversal',
              'approved',
              amount,
              authCode(random)
            )
          }
        }
      }
    }
  }
}

function row(
  base: Pick<
    TransactionRow,
    'customer_id' | 'terminal_id' | 'currency' | 'card_brand' | 'pan_masked' | 'pan_last4'
  >,
  tid: string,
  time: DateTime,
  receipt: number,
  type: TransactionRow['type'],
  status: TransactionRow['status'],
  amount: number,
  auth: string | null
): TransactionRow {
  const utc = time.toUTC().toFormat(SQL_FORMAT)
  const receiptNumber = String(receipt).padStart(6, '0')
  return {
    ...base,
    reference: `D${tid}${time.toFormat('yyyyMMdd')}${receiptNumber}`,
    occurred_at: utc,
    created_at: utc,
    type,
    status,
    amount_minor: amount,
    auth_code: auth,
    receipt_number: receiptNumber,
    closing_id: null,
  }
}

function pickTime(random: Prng, day: DateTime, ranges: [number, number][], profile: TradeProfile) {
  const weights: Record<string, number> = {}
  for (const [from, to] of ranges) {
    for (let hour = from; hour < to; hour++) weights[String(hour)] = profile.peaks[hour] ?? 1
  }
  const hour = Number(random.weighted(weights))
  return day.set({ hour, minute: random.int(0, 59), second: random.int(0, 59) })
}

function pickCard(random: Prng) {
  const brand = random.weighted(BRAND_WEIGHTS)
  const { bins, length } = BRAND_BINS[brand]
  const last4 = random.digits(4)
  return { brand, last4, masked: `${random.pick(bins)}${'*'.repeat(length - 10)}${last4}` }
}

function pickAmount(random: Prng, profile: TradeProfile) {
  const raw = Math.round(random.logNormal(profile.median, profile.spread) * 100)
  let amount = Math.min(profile.maxMinor, Math.max(profile.minMinor, raw))
  if (profile.retailPrices) {
    const euros = Math.max(1, Math.floor(amount / 100))
    amount = euros * 100 + random.pick([90, 95, 99, 0, 50])
  } else {
    amount = Math.round(amount / 10) * 10
  }
  return amount
}

function authCode(random: Prng) {
  let code = ''
  for (let i = 0; i < 6; i++) code += AUTH_ALPHABET[random.int(0, AUTH_ALPHABET.length - 1)]
  return code
}
