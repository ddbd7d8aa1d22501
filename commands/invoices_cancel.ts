import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/** `node ace invoices:cancel RE-2026-000042`: issues the cancellation invoice (Stornorechnung). */
export default class InvoicesCancel extends BaseCommand {
  static commandName = 'invoices:cancel'
  static description =
    'Cancel an issued invoice by issuing a cancellation invoice that references it'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Invoice number, e.g. RE-2026-000042' })
  declare number: string

  @flags.boolean({
    description: 'Then issue the period again for the customer (corrected master data or tariff)',
  })
  declare reissue: boolean

  async run() {
    const { InvoiceCancellation } = await import('#services/invoices/invoice_cancellation')
    const result = await new InvoiceCancellation().cancel(this.number.trim())
    if (result.status !== 'ok') {
      this.logger.error(
        `Invoice ${this.number} ${result.status === 'not_found' ? 'not found' : 'cannot be cancelled'}`
      )
      this.exitCode = 1
      return
    }
    this.logger.success(
      `Invoice ${result.original.number} cancelled by ${result.cancellation.number}`
    )
    if (!this.reissue) return
    const reissued = await new InvoiceCancellation().reissue(result.original)
    if (reissued.status !== 'ok') {
      this.logger.error(`Period ${result.original.period}: nothing to bill again`)
      this.exitCode = 1
      return
    }
    this.logger.success(
      `Period ${result.original.period} issued again as ${reissued.invoice.number}`
    )
  }
}
