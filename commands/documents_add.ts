import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * `node ace documents:add --customer L1000001 --title "Preisblatt 2027" --kind price_list FILE.pdf`:
 * the same checks as the upload in /admin (a real PDF within the size limit), stored
 * once, audited, mailed to the customer's owners and accountants (docs/documents.md).
 */
export default class DocumentsAdd extends BaseCommand {
  static commandName = 'documents:add'
  static description = "Add a PDF (contract, price list, notice) to a customer's documents"
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'The PDF file' })
  declare file: string

  @flags.string({ description: 'Customer number, e.g. L1000001', required: true })
  declare customer: string

  @flags.string({ description: 'Title the customer sees', required: true })
  declare title: string

  @flags.string({ description: 'contract | price_list | notice | other', default: 'other' })
  declare kind: string

  async run() {
    const { addDocumentFromFile } = await import('#services/documents/add_from_file')
    const result = await addDocumentFromFile({
      customerNumber: this.customer,
      title: this.title,
      kind: this.kind,
      path: this.file,
    })
    if (result.status !== 'ok') {
      this.logger.error(result.message)
      this.exitCode = 1
      return
    }
    this.logger.success(`Document ${result.id} added for ${result.customerNumber}`)
    this.logger.log(`id: ${result.id}`)
    this.logger.log(`sha256: ${result.sha256}`)
  }
}
