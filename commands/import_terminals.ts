import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class ImportTerminals extends BaseCommand {
  static commandName = 'import:terminals'
  static description =
    'Import terminals from a CSV file (terminal_id,customer_number,model,serial_number,street,postal_code,city,status,installed_at,monthly_fee)'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'CSV file, UTF-8, ; or , separated, with a header line' })
  declare file: string

  @flags.number({ description: 'Rows per upsert statement (1–2000)', default: 1000 })
  declare batchSize: number

  @flags.boolean({ description: 'Check the file and count what would change; store nothing' })
  declare dryRun: boolean

  async run() {
    const { importTerminals } = await import('#services/import/import_terminals')
    const { runImportCommand } = await import('#services/import/command_output')
    await runImportCommand(this, importTerminals, this.file, {
      batchSize: this.batchSize,
      dryRun: this.dryRun,
    })
  }
}
