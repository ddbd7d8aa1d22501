import operator from '#config/operator'
import type { CardBrand } from '#models/transaction'

/*
| The network operation tariff. Terminal monthly fees come from the master data
| (terminals.monthly_fee_minor); the per-transaction network fee is set here per
| card brand: a fixed part in hundredths of a cent plus basis points of the
| amount, charged on approved sales and credited on approved refunds.
| Rounding rule: docs/adr/0700-invoice-rounding.md.
*/
export type BrandFee = {
  /** fixed fee per transaction in hundredths of a cent (450 = 4.5 ct) */
  fixedCentiMinor: number
  /** percentage of the amount in basis points (20 = 0.20 %) */
  rateBp: number
}

const tariffConfig = {
  currency: 'EUR',
  /** VAT rate in basis points (1900 = 19 %) */
  vatRateBp: 1900,
  paymentTermsDays: operator.paymentTermsDays,
  /** only terminals in these states pay the monthly fee */
  billableTerminalStatuses: ['active'] as string[],
  networkFees: {
    girocard: { fixedCentiMinor: 450, rateBp: 20 },
    maestro: { fixedCentiMinor: 500, rateBp: 25 },
    vpay: { fixedCentiMinor: 500, rateBp: 25 },
    visa: { fixedCentiMinor: 600, rateBp: 30 },
    mastercard: { fixedCentiMinor: 600, rateBp: 30 },
    amex: { fixedCentiMinor: 800, rateBp: 45 },
    other: { fixedCentiMinor: 800, rateBp: 45 },
  } satisfies Record<CardBrand, BrandFee>,
}

export type TariffConfig = typeof tariffConfig

export default tariffConfig
