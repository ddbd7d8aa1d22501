import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

const COLUMNS = [
  'customer_number',
  'company_name',
  'street',
  'postal_code',
  'city',
  'code',
  'expires_at',
] as const

/**
 * `node ace customers:activation-codes [--customer X] [--expires-days N] > codes.csv`:
 * a new one-time activation code per customer (REGISTRATION_PROOF=code), as CSV for a
 * letter run on stdout. Only the codes' hashes are stored; each replaces the customer's
 * unused code.
 */
export default class CustomersActivationCodes extends BaseCommand {
  static commandName = 'customers:activation-codes'
  static description =
    'Generate one-time activation codes (all customers or one) and print them as CSV for a letter run'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Only this customer number' })
  declare customer?: string

  @flags.number({ description: 'Days until the codes expire (default 90)' })
  declare expiresDays?: number

  async run() {
    const { ActivationCodes } = await import('#services/account/customer_proof')
    const { csvText } = await import('#services/export/csv_cells')
    const days = this.expiresDays
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) {
      this.logger.error('--expires-days must be a whole number from 1 to 3650')
      this.exitCode = 1
      return
    }
    const issued = await ActivationCodes.issue({ customerNumber: this.customer, days })
    if (!issued) {
      this.logger.error(`No customer with the number "${this.customer}"`)
      this.exitCode = 1
      return
    }
    const line = (cells: string[]) => cells.map((cell) => csvText(cell, ';')).join(';')
    /* the CSV alone on stdout (for a redirect into a file); counts go to stderr */
    this.logger.log(line([...COLUMNS]))
    for (const row of issued) {
      this.logger.log(
        line([
          row.customerNumber,
          row.companyName,
          row.street,
          row.postalCode,
          row.city,
          row.code,
          row.expiresAt.toISODate()!,
        ])
      )
    }
    this.logger.logError(`activation codes issued: ${issued.length}`)
  }
}
