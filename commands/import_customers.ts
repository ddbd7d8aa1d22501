import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class ImportCustomers extends BaseCommand {
  static commandName = 'import:customers'
  static description =
    'Import customers from a CSV file (customer_number,company_name,street,postal_code,city,country,email,phone,vat_id,iban)'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'CSV file, UTF-8, ; or , separated, with a header line' })
  declare file: string

  @flags.number({ description: 'Rows per upsert statement (1–2000)', default: 1000 })
  declare batchSize: number

  @flags.boolean({ description: 'Check the file and count what would change; store nothing' })
  declare dryRun: boolean

  async run() {
    const { importCustomers } = await import('#services/import/import_customers')
    const { runImportCommand } = await import('#services/import/command_output')
    await runImportCommand(this, importCustomers, this.file, {
      batchSize: this.batchSize,
      dryRun: this.dryRun,
    })
  }
}
