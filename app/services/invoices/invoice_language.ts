import { formatMoney } from '#services/format/formatters'

export type InvoiceLanguage = 'de' | 'en'

/** The language of a customer's invoice PDF and mail: `customers.language`, German by default. */
export function invoiceLanguage(customer: { language?: string | null } | null | undefined) {
  return (customer?.language === 'en' ? 'en' : 'de') as InvoiceLanguage
}

const BRANDS_EN: Record<string, string> = { 'Sonstige Karten': 'Other cards' }

/**
 * A stored invoice line's description as printed in the customer's language.
 * The row keeps the German text the tariff wrote (it is also the XML's item name,
 * which stays as it is); for English the known patterns are translated and
 * their amounts reformatted, anything else is printed as stored.
 */
export function lineDescription(description: string, language: string): string {
  if (language !== 'en') return description
  const monthly = /^Monatliche Netzbetriebsgebühr Terminal (\S+)$/.exec(description)
  if (monthly) return `Monthly network operation fee, terminal ${monthly[1]}`

  const fixed =
    /^Transaktionsentgelt (.+), Terminal (\S+) \((-?\d+) Umsätze, (-?\d+) Erstattungen\)$/.exec(
      description
    )
  if (fixed) {
    const [, brand, terminal, sales, refunds] = fixed
    return (
      `Transaction fee ${BRANDS_EN[brand] ?? brand}, terminal ${terminal} ` +
      `(${sales} ${Number(sales) === 1 ? 'sale' : 'sales'}, ` +
      `${refunds} ${Number(refunds) === 1 ? 'refund' : 'refunds'})`
    )
  }

  const turnover = /^Umsatzentgelt (.+) (-?[\d.]+(?:,\d+)?) % von (.+), Terminal (\S+)$/.exec(
    description
  )
  if (turnover) {
    const [, brand, rate, amount, terminal] = turnover
    const minor = germanMoneyToMinor(amount)
    if (minor !== null) {
      const rateEn = rate.replace(/\./g, '').replace(',', '.')
      return (
        `Turnover fee ${BRANDS_EN[brand] ?? brand} ${rateEn} % of ` +
        `${formatMoney(minor, 'en')}, terminal ${terminal}`
      )
    }
  }
  return description
}

/** `1.234,56 €` / `-5,00 €` → minor units; null when it is not such an amount. */
function germanMoneyToMinor(text: string): number | null {
  const match = /^(-?)([\d.]+),(\d{2})\s*€$/.exec(text.replace(/[\s\u00a0\u202f]+/g, ' ').trim())
  if (!match) return null
  const euros = Number(match[2].replace(/\./g, ''))
  const minor = euros * 100 + Number(match[3])
  return match[1] ? -minor : minor
}
