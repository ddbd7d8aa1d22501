import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type { CsvSource } from '#services/import/csv_lines'
import type { ImportOptions, ImportSummary } from '#services/import/import_summary'
import * as check from '#services/import/normalizers'
import { Problem } from '#services/import/normalizers'
import { runImport, type ImportSpec } from '#services/import/run_import'
import { readExisting, writeChanged, type RowValues } from '#services/import/upsert_batch'
import { TidSet } from '#services/import/tid_set'

export const TERMINAL_COLUMNS = [
  'terminal_id',
  'customer_number',
  'model',
  'serial_number',
  'street',
  'postal_code',
  'city',
  'status',
  'installed_at',
  'monthly_fee',
] as const

const WRITTEN_COLUMNS = [
  'terminal_id',
  'customer_id',
  'model',
  'serial_number',
  'street',
  'postal_code',
  'city',
  'status',
  'installed_at',
  'monthly_fee_minor',
] as const

type TerminalRow = Omit<RowValues, 'customer_id'> & { customer_number: string }

/**
 * Imports terminals from a CSV file or stream: an idempotent upsert by terminal ID. Each
 * row's customer number must already exist; bad rows are reported, good rows still load.
 */
export function importTerminals(
  source: CsvSource,
  options: ImportOptions = {}
): Promise<ImportSummary> {
  return runImport(source, terminalSpec(), options)
}

function terminalSpec(): ImportSpec<TerminalRow> {
  const seen = new TidSet()
  const target = {
    table: 'terminals',
    key: 'terminal_id',
    columns: WRITTEN_COLUMNS,
    dateColumns: ['installed_at'],
  }
  return {
    columns: TERMINAL_COLUMNS,
    parse([tid, number, model, serial, street, postalCode, city, status, installedAt, fee]) {
      const terminalId = check.terminalId(tid)
      if (terminalId instanceof Problem) return terminalId
      if (!seen.add(terminalId)) {
        return new Problem(`duplicate terminal_id ${terminalId} (already earlier in this file)`)
      }
      const row = {
        terminal_id: terminalId,
        customer_number: check.customerNumber(number),
        model: check.text(model, 'model', 100, false),
        serial_number: check.text(serial, 'serial_number', 60, false),
        street: check.text(street, 'street', 200, false),
        postal_code: check.text(postalCode, 'postal_code', 10, false),
        city: check.text(city, 'city', 100, false),
        status: check.terminalStatus(status),
        installed_at: check.date(installedAt, 'installed_at'),
        monthly_fee_minor: check.moneyMinor(fee, 'monthly_fee'),
      }
      const problems = Object.values(row).filter((value) => value instanceof Problem)
      return problems.length ? problems : (row as TerminalRow)
    },
    async write(rows, { counts, fail, reader, writer }) {
      const client = await reader()
      /* both look-ups at once: they are independent round trips */
      const [customerIds, existing] = await Promise.all([
        findCustomerIds(
          client,
          rows.map((row) => row.value.customer_number)
        ),
        readExisting(
          client,
          target,
          rows.map((row) => row.value.terminal_id as string)
        ),
      ])
      const values: RowValues[] = []
      for (const { line, value } of rows) {
        const { customer_number: customerNumber, ...rest } = value
        const customerId = customerIds.get(customerNumber)
        if (customerId === undefined) fail(line, `unknown customer_number ${customerNumber}`)
        else values.push({ ...rest, customer_id: customerId })
      }
      await writeChanged(await writer(), target, values, existing, counts)
    },
  }
}

async function findCustomerIds(client: QueryClientContract, numbers: string[]) {
  const rows: { id: number; customer_number: string }[] = await client
    .knexQuery()
    .from('customers')
    .select('id', 'customer_number')
    .whereIn('customer_number', [...new Set(numbers)])
  return new Map<string, number>(rows.map((row) => [row.customer_number, Number(row.id)]))
}
