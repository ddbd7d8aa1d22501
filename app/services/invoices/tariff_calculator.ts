import type { BrandFee, TariffConfig } from '#config/tariff'
import { roundDiv } from '#services/invoices/money'
import { formatMoney } from '#services/format/formatters'

export type BillableTerminal = { terminalId: string; monthlyFeeMinor: number; status: string }

/** Approved sales and refunds of one terminal and card brand in the period. */
export type BrandUsage = {
  terminalId: string
  cardBrand: string
  salesCount: number
  salesAmountMinor: number
  refundCount: number
  refundAmountMinor: number
}

export type ComputedLine = {
  position: number
  description: string
  terminalId: string | null
  cardBrand: string | null
  quantity: number
  /** hundredths of a cent; quantity × unit price = the exact, unrounded line net */
  unitPriceCentiMinor: number
  netMinor: number
}

export type ComputedInvoice = {
  lines: ComputedLine[]
  netMinor: number
  vatMinor: number
  grossMinor: number
  vatRateBp: number
}

const BRAND_NAMES: Record<string, string> = {
  girocard: 'girocard',
  visa: 'Visa',
  mastercard: 'Mastercard',
  maestro: 'Maestro',
  vpay: 'V PAY',
  amex: 'American Express',
  other: 'Sonstige Karten',
}

/**
 * Turns a month's master data and usage into invoice lines. One rounding rule
 * (ADR 0700): each line's net is computed exactly and rounded half away from
 * zero to whole cents once; VAT is rounded once on the total net.
 */
export function computeInvoice(
  terminals: BillableTerminal[],
  usage: BrandUsage[],
  tariff: Pick<TariffConfig, 'networkFees' | 'vatRateBp' | 'billableTerminalStatuses'>
): ComputedInvoice {
  const lines: Omit<ComputedLine, 'position'>[] = []
  const sortedTerminals = [...terminals].sort((a, b) => a.terminalId.localeCompare(b.terminalId))

  for (const terminal of sortedTerminals) {
    if (!tariff.billableTerminalStatuses.includes(terminal.status)) continue
    if (terminal.monthlyFeeMinor <= 0) continue
    lines.push({
      description: `Monatliche Netzbetriebsgebühr Terminal ${terminal.terminalId}`,
      terminalId: terminal.terminalId,
      cardBrand: null,
      quantity: 1,
      unitPriceCentiMinor: terminal.monthlyFeeMinor * 100,
      netMinor: terminal.monthlyFeeMinor,
    })
  }

  const sortedUsage = [...usage].sort(
    (a, b) => a.terminalId.localeCompare(b.terminalId) || a.cardBrand.localeCompare(b.cardBrand)
  )
  for (const row of sortedUsage) {
    const fees = tariff.networkFees as Record<string, BrandFee>
    const fee = fees[row.cardBrand] ?? fees.other
    lines.push(...usageLines(row, fee))
  }

  const netMinor = lines.reduce((sum, line) => sum + line.netMinor, 0)
  const vatMinor = roundDiv(netMinor * tariff.vatRateBp, 10_000)
  return {
    lines: lines.map((line, index) => ({ ...line, position: index + 1 })),
    netMinor,
    vatMinor,
    grossMinor: netMinor + vatMinor,
    vatRateBp: tariff.vatRateBp,
  }
}

/** Fixed-fee line (count × fixed part) and turnover line (bp of sales minus refunds). */
function usageLines(row: BrandUsage, fee: BrandFee): Omit<ComputedLine, 'position'>[] {
  const brand = BRAND_NAMES[row.cardBrand] ?? row.cardBrand
  const count = row.salesCount - row.refundCount
  const turnover = row.salesAmountMinor - Math.abs(row.refundAmountMinor)
  const result: Omit<ComputedLine, 'position'>[] = []

  if (count !== 0 && fee.fixedCentiMinor > 0) {
    result.push({
      description:
        `Transaktionsentgelt ${brand}, Terminal ${row.terminalId} ` +
        `(${row.salesCount} Umsätze, ${row.refundCount} Erstattungen)`,
      terminalId: row.terminalId,
      cardBrand: row.cardBrand,
      quantity: count,
      unitPriceCentiMinor: fee.fixedCentiMinor,
      netMinor: roundDiv(count * fee.fixedCentiMinor, 100),
    })
  }

  const percentNet = roundDiv(turnover * fee.rateBp, 10_000)
  if (percentNet !== 0) {
    const rate = (fee.rateBp / 100).toLocaleString('de-DE', { minimumFractionDigits: 2 })
    /* quantity ±1 keeps the unit price positive (EN 16931 BR-27) */
    result.push({
      description:
        `Umsatzentgelt ${brand} ${rate} % von ${formatMoney(turnover, 'de').replace(/\s/g, ' ')}, ` +
        `Terminal ${row.terminalId}`,
      terminalId: row.terminalId,
      cardBrand: row.cardBrand,
      quantity: percentNet < 0 ? -1 : 1,
      unitPriceCentiMinor: Math.abs(percentNet) * 100,
      netMinor: percentNet,
    })
  }
  return result
}
