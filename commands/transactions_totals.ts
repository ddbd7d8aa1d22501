import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/* differences printed per customer; the count covers all of them */
const SHOWN = 20

const customers = (n: number) => `${n} ${n === 1 ? 'customer' : 'customers'}`

/**
 * `node ace transactions:totals [--customer L…] [--check]`: rebuilds the transaction
 * list's maintained totals (`transaction_totals`) from the transactions, one customer per
 * database transaction, and prints the rows written; `--check` only compares the table
 * with a live sum and prints each difference (exit 1 when there is any). See
 * docs/merchant.md "Totals".
 */
export default class TransactionsTotals extends BaseCommand {
  static commandName = 'transactions:totals'
  static description =
    'Rebuild the transaction totals from the transactions (all customers or one); --check compares them'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Only this customer number' })
  declare customer?: string

  @flags.boolean({ description: 'Compare the totals with a live sum instead of rebuilding' })
  declare check: boolean

  @flags.boolean({
    description: 'Only move the pending transactions into the totals (what the worker does)',
  })
  declare rollup: boolean

  async run() {
    const { default: db } = await import('@adonisjs/lucid/services/db')
    const { TransactionTotals } = await import('#services/merchant/transaction_totals')
    if (this.rollup) {
      const moved = await TransactionTotals.rollup()
      this.logger.success(`pending transactions added to the totals: ${moved}`)
      return
    }
    const chosen: { id: number; customer_number: string }[] = await db
      .from('customers')
      .if(this.customer !== undefined, (q) => q.where('customer_number', this.customer!))
      .orderBy('id')
      .select('id', 'customer_number')
    if (this.customer !== undefined && !chosen.length) {
      this.logger.error(`No customer with the number "${this.customer}"`)
      this.exitCode = 1
      return
    }

    if (!this.check) {
      let rows = 0
      for (const customer of chosen)
        rows += await TransactionTotals.rebuild(db.connection(), [customer.id])
      this.logger.success(`totals rebuilt: ${rows} rows written for ${customers(chosen.length)}`)
      return
    }

    let total = 0
    for (const customer of chosen) {
      const found = await TransactionTotals.differences(customer.id)
      total += found.length
      if (!found.length) continue
      /* terminals by their TID, as operators know them */
      const terminals = await db
        .from('terminals')
        .whereIn('id', [...new Set(found.map((d) => d.terminal_id))])
        .select('id', 'terminal_id')
      const tid = new Map(terminals.map((t) => [Number(t.id), String(t.terminal_id)]))
      for (const d of found.slice(0, SHOWN)) {
        const grain = d.grain === 'd' ? 'day' : 'month'
        this.logger.log(
          `${customer.customer_number} ${grain} ${d.day} TID ${tid.get(d.terminal_id) ?? `#${d.terminal_id}`} ${d.card_brand} ${d.column}: table ${d.table}, live ${d.live}`
        )
      }
      if (found.length > SHOWN) {
        this.logger.log(`${customer.customer_number}: … and ${found.length - SHOWN} more`)
      }
    }
    if (total) {
      this.logger.error(
        `differences: ${total}; \`node ace transactions:totals\` rebuilds the totals`
      )
      this.exitCode = 1
    } else {
      const pending = await TransactionTotals.pendingCount()
      this.logger.success(
        `differences: 0 (${customers(chosen.length)} checked; ${pending} transactions pending for the worker's rollup, counted live meanwhile)`
      )
    }
  }
}
