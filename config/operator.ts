import env from '#start/env'
import { retention } from '#config/portal'

/*
| The operator's legal details: printed in every mail footer, on the legal pages
| (Impressum, Datenschutz, AGB, Barrierefreiheit) and on every invoice. Each value
| comes from an OPERATOR_* / RETENTION_* variable (.env.example); without one the
| demo company below is shown.
*/
const name = env.get('OPERATOR_NAME') || 'Kartennetz Betriebs GmbH'
const registerCourt = env.get('OPERATOR_REGISTER_COURT') || 'Amtsgericht Frankfurt am Main'
const registerNumber = env.get('OPERATOR_REGISTER_NUMBER') || 'HRB 123456'
const email = env.get('OPERATOR_EMAIL') || 'kundenservice@example.com'

const operatorConfig = {
  name,
  legalForm: env.get('OPERATOR_LEGAL_FORM') || 'Gesellschaft mit beschränkter Haftung (GmbH)',
  brand: 'Kundenportal',
  street: env.get('OPERATOR_STREET') || 'Mainzer Landstraße 100',
  postalCode: env.get('OPERATOR_POSTAL_CODE') || '60327',
  city: env.get('OPERATOR_CITY') || 'Frankfurt am Main',
  country: 'DE',
  registerCourt,
  registerNumber,
  /** court and number in one line (invoices, e-invoices) */
  register: `${registerCourt}, ${registerNumber}`,
  managingDirectors: env.get('OPERATOR_MANAGING_DIRECTORS') || 'Dr. Anna Beispiel, Max Mustermann',
  vatId: env.get('OPERATOR_VAT_ID') || 'DE123456789',
  taxNumber: env.get('OPERATOR_TAX_NUMBER') || '045 228 12345',
  /** where invoices ask to be paid (PDF and the e-invoice's payment means) */
  bank: {
    name: env.get('OPERATOR_BANK_NAME') || 'Beispielbank AG',
    iban: env.get('OPERATOR_IBAN') || 'DE89370400440532013000',
    bic: env.get('OPERATOR_BIC') || 'COBADEFFXXX',
  },
  email,
  supportPhone: env.get('SUPPORT_PHONE'),
  supportHours: env.get('SUPPORT_HOURS', 'Mo–Fr 8–18 Uhr'),
  /**
   * The support hours in the reader's language: SUPPORT_HOURS in German,
   * SUPPORT_HOURS_EN in English. Without SUPPORT_HOURS_EN an English page shows
   * the operator's SUPPORT_HOURS as written (never hours made up here), and the
   * built-in default has its English form.
   */
  supportHoursIn(locale: string) {
    if (locale !== 'en') return this.supportHours
    return (
      env.get('SUPPORT_HOURS_EN') ||
      (env.get('SUPPORT_HOURS') ? this.supportHours : 'Mon–Fri 8 am–6 pm')
    )
  },
  paymentTermsDays: 14,

  /** the authority supervising the operator's payment services (§ 5 Abs. 1 Nr. 3 DDG) */
  supervisoryAuthority:
    env.get('OPERATOR_SUPERVISORY_AUTHORITY') ||
    'Bundesanstalt für Finanzdienstleistungsaufsicht (BaFin), Graurheindorfer Straße 108, 53117 Bonn, und Marie-Curie-Straße 24–28, 60439 Frankfurt am Main',

  /** Datenschutzerklärung (Art. 13 GDPR) */
  privacy: {
    dpoName: env.get('OPERATOR_DPO_NAME') || `Datenschutzbeauftragte/r der ${name}`,
    dpoEmail: env.get('OPERATOR_DPO_EMAIL') || 'datenschutz@example.com',
    /** the data-protection authority of the operator's federal state (Art. 77 GDPR) */
    authority:
      env.get('OPERATOR_DATA_PROTECTION_AUTHORITY') ||
      'Der Hessische Beauftragte für Datenschutz und Informationsfreiheit, Gustav-Stresemann-Ring 1, 65189 Wiesbaden',
    hostingProvider:
      env.get('OPERATOR_HOSTING_PROVIDER') ||
      'Beispiel Rechenzentrum GmbH, Frankfurt am Main (Deutschland)',
    mailProvider:
      env.get('OPERATOR_MAIL_PROVIDER') || 'Beispiel Mail GmbH, Frankfurt am Main (Deutschland)',
  },

  /** how long each kind of record is kept, as the Datenschutzerklärung states it */
  retention: {
    auditLogMonths: env.get('RETENTION_AUDIT_LOG_MONTHS') ?? 12,
    serverLogDays: env.get('RETENTION_SERVER_LOG_DAYS') ?? 14,
    ticketMonths: env.get('RETENTION_TICKET_MONTHS') ?? 36,
    accountMonths: env.get('RETENTION_ACCOUNT_MONTHS') ?? 6,
    invoiceYears: env.get('RETENTION_INVOICE_YEARS') ?? 10,
    /* what the retention job really does (config/portal.ts, docs/retention.md) */
    ipDays: retention.ipDays,
    unverifiedDays: retention.unverifiedDays,
    dataExportHours: retention.dataExportHours,
  },

  /**
   * The operator's own AGB: an .html, .md or .txt file, `{locale}` standing for
   * de or en (English falls back to German). Unset: the page says it is a placeholder.
   */
  termsFile: env.get('OPERATOR_TERMS_FILE') || null,

  /** Barrierefreiheitserklärung (BFSG) */
  accessibility: {
    /** the day the statement was written or last reviewed (YYYY-MM-DD) */
    statementDate: env.get('ACCESSIBILITY_STATEMENT_DATE') || '2025-06-28',
    /** how to reach the MLBF, the enforcement body of the federal states (§ 20 BFSG) */
    authorityContact:
      env.get('ACCESSIBILITY_AUTHORITY_CONTACT') ||
      'c/o Ministerium für Arbeit, Soziales, Gesundheit und Gleichstellung Sachsen-Anhalt, Postfach 39 11 55, 39135 Magdeburg, MLBF@ms.sachsen-anhalt.de',
  },
}

export default operatorConfig
