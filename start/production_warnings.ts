import env from '#start/env'

/*
| What an operator must set before real merchants use the portal. The invoices print the
| operator's details and bank account, and an issued invoice can never be changed (GoBD): the
| demo company's values must never reach one.
*/
const INVOICE_DETAILS = [
  'OPERATOR_NAME',
  'OPERATOR_STREET',
  'OPERATOR_POSTAL_CODE',
  'OPERATOR_CITY',
  'OPERATOR_REGISTER_COURT',
  'OPERATOR_REGISTER_NUMBER',
  'OPERATOR_MANAGING_DIRECTORS',
  'OPERATOR_VAT_ID',
  'OPERATOR_TAX_NUMBER',
  'OPERATOR_BANK_NAME',
  'OPERATOR_IBAN',
  'OPERATOR_BIC',
  'OPERATOR_EMAIL',
] as const

/** Reads a setting; the validated environment by default (tests pass their own settings). */
export type Settings = (name: string) => unknown
const fromEnv: Settings = (name) => env.get(name as any)

export function missingOperatorDetails(settings: Settings = fromEnv) {
  return INVOICE_DETAILS.filter((name) => !String(settings(name) ?? '').trim())
}

/** The worker's line (it issues the invoices); null when nothing is missing. */
export function operatorDetailsWarning(settings: Settings = fromEnv): string | null {
  const missing = missingOperatorDetails(settings)
  if (!missing.length) return null
  return `invoices, mails and legal pages show the demo company for ${missing.join(', ')}: set them before the first invoice run (an issued invoice cannot be changed)`
}

/** The web process's lines; none when the settings are fit for production. */
export function productionWarnings(settings: Settings = fromEnv): string[] {
  const warnings: string[] = []
  const operator = operatorDetailsWarning(settings)
  if (operator) warnings.push(operator)
  if (!String(settings('APP_URL') ?? '').startsWith('https://')) {
    warnings.push(
      'APP_URL is not https://: session cookies are sent without Secure and HSTS is off'
    )
  }
  const proxies = settings('TRUSTED_PROXIES')
  if (!Array.isArray(proxies) || !proxies.length) {
    warnings.push(
      'TRUSTED_PROXIES is empty: behind nginx every visitor has nginx’s address, and one client’s failed logins lock the login for all (set it to the proxy’s address, e.g. 127.0.0.1)'
    )
  }
  return warnings
}
