import { randomInt } from 'node:crypto'
import { DateTime } from 'luxon'
import { containsPan } from '#services/security/card_number_guard'

/* Brand mix of German card acceptance: girocard first, then the schemes. BINs are examples. */
const BRANDS = [
  { brand: 'girocard', weight: 55, bins: ['672559', '672540', '670346'], length: 19 },
  { brand: 'visa', weight: 18, bins: ['492948', '453201', '476173'], length: 16 },
  { brand: 'mastercard', weight: 14, bins: ['552017', '510510', '222300'], length: 16 },
  { brand: 'maestro', weight: 5, bins: ['675964', '676770'], length: 16 },
  { brand: 'vpay', weight: 5, bins: ['482510', '440066'], length: 16 },
  { brand: 'amex', weight: 3, bins: ['371422', '378282'], length: 15 },
] as const
const TYPES = [
  { type: 'sale', weight: 90 },
  { type: 'preauth', weight: 4 },
  { type: 'refund', weight: 4 },
  { type: 'reversal', weight: 2 },
] as const

function pick<T extends { weight: number }>(options: readonly T[]): T {
  const total = options.reduce((sum, option) => sum + option.weight, 0)
  let roll = Math.random() * total
  for (const option of options) {
    roll -= option.weight
    if (roll < 0) return option
  }
  return options[0]
}

/** Card amounts: most between 5 and 80 euros, a long tail up to a few thousand. */
function amountMinor(type: string) {
  const normal = Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random())
  const amount = Math.round(Math.exp(Math.log(type === 'refund' ? 1500 : 2400) + 0.9 * normal))
  return Math.min(Math.max(amount, 50), 500_000)
}

const alphanumeric = (length: number) =>
  Array.from({ length }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'[randomInt(34)]).join('')

const receiptCounters = new Map<string, number>()

export type SimulatedTransaction = {
  reference: string
  terminal_id: string
  occurred_at: string
  type: string
  status: string
  amount_minor: number
  currency: string
  card_brand: string
  pan_masked: string
  auth_code: string | null
  receipt_number: string
}

/** One realistic ingest item for a terminal, as the processing host would send it. */
export function simulatedTransaction(tid: string, at = DateTime.now()): SimulatedTransaction {
  const card = pick(BRANDS)
  const { type } = pick(TYPES)
  const declined = (type === 'sale' || type === 'preauth') && Math.random() < 0.05
  const receipt = (receiptCounters.get(tid) ?? randomInt(1, 5000)) + 1
  receiptCounters.set(tid, receipt)
  const bin = card.bins[randomInt(card.bins.length)]
  const last4 = String(randomInt(10_000)).padStart(4, '0')
  const item = {
    reference: `SIM${tid}T${at.toMillis().toString(36).toUpperCase()}${alphanumeric(6)}`,
    terminal_id: tid,
    occurred_at: at.setZone('Europe/Berlin').toISO()!,
    type,
    status: declined ? 'declined' : 'approved',
    amount_minor: amountMinor(type),
    currency: 'EUR',
    card_brand: card.brand,
    pan_masked: bin + '*'.repeat(card.length - 10) + last4,
    auth_code: declined ? null : alphanumeric(6),
    receipt_number: String(receipt).padStart(6, '0'),
  }
  /* never send what the API would refuse as a card number */
  return containsPan(item.reference) ? simulatedTransaction(tid, at) : item
}
