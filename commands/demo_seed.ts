import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * `node ace demo:seed`: loads the demo data set when the database is empty and
 * prints the demo logins (again on every run; the passwords derive from APP_KEY).
 * `npm run demo` calls it with --json.
 */
export default class DemoSeed extends BaseCommand {
  static commandName = 'demo:seed'
  static description =
    'Load the demo data (customers, terminals, 90 days of transactions, logins) into an empty database'
  static options: CommandOptions = { startApp: true }

  @flags.boolean({ description: 'Print one JSON line for scripts instead of text' })
  declare json: boolean

  async run() {
    const { default: db } = await import('@adonisjs/lucid/services/db')
    const { appKey } = await import('#config/app')
    const { DemoSeeder } = await import('#demo/demo_seeder')
    const { demoPasswords, DEMO_MERCHANT_EMAIL, DEMO_SUPPORT_EMAIL } =
      await import('#demo/demo_logins')

    const { default: env } = await import('#start/env')
    /* WAL: the demo's web server, worker and simulator read while one of them writes */
    if (env.get('DB_CONNECTION') === 'sqlite') await db.rawQuery('PRAGMA journal_mode = WAL')

    const passwords = demoPasswords(appKey.release())
    const started = performance.now()
    const result = await new DemoSeeder().run({
      merchantPassword: passwords.merchant,
      supportPassword: passwords.support,
    })
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    const merchantExists = await db.from('users').where('email', DEMO_MERCHANT_EMAIL).first()
    const supportExists = await db.from('staff_users').where('email', DEMO_SUPPORT_EMAIL).first()
    const invoices = await db.from('invoices').count('* as total').first()
    /* a terminal of a customer the demo merchant is not linked to: for trying registration */
    const registration = await db
      .from('terminals')
      .join('customers', 'customers.id', 'terminals.customer_id')
      .where('customers.customer_number', 'L1000003')
      .where('terminals.status', 'active')
      .select('customers.customer_number as customerNumber', 'terminals.terminal_id as terminalId')
      .first()
    const { default: hash } = await import('@adonisjs/core/services/hash')
    /* the printed password is only shown while it still opens the account */
    const login = async (row: { password: string } | null, email: string, password: string) => {
      if (!row) return null
      const current = await hash.verify(row.password, password)
      return { email, password: current ? password : null }
    }
    const logins = {
      merchant: await login(merchantExists, DEMO_MERCHANT_EMAIL, passwords.merchant),
      support: await login(supportExists, DEMO_SUPPORT_EMAIL, passwords.support),
    }

    if (this.json) {
      const invoiceCount = Number(invoices?.total ?? 0)
      const summary = { ...result, seconds: Number(seconds), logins, registration, invoiceCount }
      console.log(JSON.stringify(summary))
      return
    }
    if (result.seeded) {
      this.logger.success(
        `demo data loaded in ${seconds} s: ${result.customers} customers, ${result.terminals} terminals, ${result.transactions} transactions`
      )
    } else {
      this.logger.info('the database already holds data: nothing loaded, existing data kept')
    }
    const changed = '(password was changed since the demo was set up)'
    if (logins.merchant) {
      this.logger.log(
        `merchant login: ${logins.merchant.email} / ${logins.merchant.password ?? changed}`
      )
    }
    if (logins.support) {
      this.logger.log(
        `support login:  ${logins.support.email} / ${logins.support.password ?? changed}`
      )
    }
    if (registration) {
      this.logger.log(
        `try registration with customer number ${registration.customerNumber} and terminal ID ${registration.terminalId}`
      )
    }
  }
}
