import type { CsvSource } from '#services/import/csv_lines'
import type { ImportOptions, ImportSummary } from '#services/import/import_summary'
import * as check from '#services/import/normalizers'
import { Problem } from '#services/import/normalizers'
import { runImport, type ImportSpec } from '#services/import/run_import'
import { readExisting, writeChanged, type RowValues } from '#services/import/upsert_batch'
import { keepLockedFields } from '#services/import/master_data_locks'

export const CUSTOMER_COLUMNS = [
  'customer_number',
  'company_name',
  'street',
  'postal_code',
  'city',
  'country',
  'email',
  'phone',
  'vat_id',
  'iban',
] as const

/** Columns a file may add: without them, new customers get the defaults (weekly, de). */
export const CUSTOMER_OPTIONAL_COLUMNS = ['settlement_rhythm', 'language'] as const

/**
 * Imports customers from a CSV file or stream: an idempotent upsert by customer number.
 * Bad rows are reported in the summary (and to `onRowError`); good rows still load.
 */
export function importCustomers(
  source: CsvSource,
  options: ImportOptions = {}
): Promise<ImportSummary> {
  return runImport(source, customerSpec(), options)
}

function customerSpec(): ImportSpec<RowValues> {
  const seen = new Set<string>()
  return {
    columns: CUSTOMER_COLUMNS,
    optionalColumns: CUSTOMER_OPTIONAL_COLUMNS,
    /* mod 97 refuses a mistyped one, and its errors name only the last 4 characters */
    keepAsTyped: ['iban'],
    parse(
      [number, company, street, postalCode, city, country, email, phone, vatId, iban],
      [rhythm, language]
    ) {
      const customerNumber = check.customerNumber(number)
      if (customerNumber instanceof Problem) return customerNumber
      if (seen.has(customerNumber)) {
        return new Problem(
          `duplicate customer_number ${customerNumber} (already earlier in this file)`
        )
      }
      seen.add(customerNumber)
      const row = {
        customer_number: customerNumber,
        company_name: check.text(company, 'company_name', 200),
        street: check.text(street, 'street', 200, false),
        postal_code: check.text(postalCode, 'postal_code', 10, false),
        city: check.text(city, 'city', 100, false),
        country: check.country(country),
        email: check.email(email),
        phone: check.phone(phone),
        vat_id: check.vatId(vatId),
        iban: check.iban(iban),
        /* a file without the column leaves a stored rhythm as it is */
        ...(rhythm === undefined ? {} : { settlement_rhythm: check.settlementRhythm(rhythm) }),
        /* the invoice language (issue 18): likewise only when the file has the column */
        ...(language === undefined ? {} : { language: check.language(language) }),
      }
      const problems = Object.values(row).filter((value) => value instanceof Problem)
      return problems.length ? problems : (row as RowValues)
    },
    async write(rows, { counts, reader, writer, conflict }) {
      /* fields an approved change request set stay as they are (docs/changes.md) */
      await keepLockedFields(rows, { reader, writer, conflict })
      const values = rows.map((row) => row.value)
      /* every row of a file has the same columns */
      const target = {
        table: 'customers',
        key: 'customer_number',
        columns: [
          ...CUSTOMER_COLUMNS,
          ...CUSTOMER_OPTIONAL_COLUMNS.filter((column) => column in values[0]),
        ],
      }
      const existing = await readExisting(
        await reader(),
        target,
        values.map((row) => row.customer_number as string)
      )
      await writeChanged(await writer(), target, values, existing, counts)
    },
  }
}
