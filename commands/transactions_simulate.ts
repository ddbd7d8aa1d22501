import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * A demo feed: realistic card transactions for the existing terminals, sent
 * through the real ingest API (HTTP, bearer token), until stopped. Once per
 * simulated day the terminals close (some skip days) and the payouts of their
 * closings follow, first expected, then paid (app/services/ingest/simulated_money.ts).
 */
export default class TransactionsSimulate extends BaseCommand {
  static commandName = 'transactions:simulate'
  static description =
    'Send realistic demo transactions, daily closings and payouts for existing terminals through the ingest API until SIGINT/SIGTERM'
  static options: CommandOptions = { startApp: true, staysAlive: true }

  @flags.number({ description: 'Transactions per second (fractions allowed)', default: 1 })
  declare rate: number

  @flags.string({ description: 'Only terminals of this customer number' })
  declare customer: string | undefined

  @flags.number({ description: 'Stop after this many seconds (default: run until stopped)' })
  declare duration: number | undefined

  @flags.string({ description: 'API token (default: issue one now, revoke it on exit)' })
  declare token: string | undefined

  @flags.string({ description: 'Base URL of the portal (default: APP_URL)' })
  declare url: string | undefined

  @flags.number({
    description: 'Real seconds per simulated day, for closings and payouts (default: real time)',
    default: 86_400,
  })
  declare daySeconds: number

  @flags.number({
    description: 'Simulated hour (Europe/Berlin, 0–23) of the daily closings',
    default: 21,
  })
  declare closingHour: number

  #timer?: NodeJS.Timeout
  #stopped = false
  #inFlight = Promise.resolve()

  async run() {
    const { appUrl } = await import('#config/app')
    const { ApiTokenService } = await import('#services/ingest/api_token_service')
    const { SimulatorFeed } = await import('#services/ingest/simulator_feed')
    const { SimulatedMoney } = await import('#services/ingest/simulated_money')

    if (!(this.rate > 0 && this.rate <= 1000))
      return this.#fail('--rate must be between 0 and 1000')
    if (!(this.daySeconds >= 1)) return this.#fail('--day-seconds must be at least 1')
    if (!(Number.isInteger(this.closingHour) && this.closingHour >= 0 && this.closingHour <= 23))
      return this.#fail('--closing-hour must be a whole hour from 0 to 23')
    const terminals = await SimulatorFeed.terminals(this.customer)
    if (!terminals.length) {
      return this.#fail(
        this.customer
          ? `No active terminals for customer ${this.customer}`
          : 'No active terminals: import terminals first (node ace import:terminals FILE.csv)'
      )
    }

    const tokenName = `simulator pid ${process.pid}`
    const token = this.token ?? (await ApiTokenService.issue(tokenName))
    const baseUrl = (this.url ?? appUrl).replace(/\/+$/, '')
    const feed = new SimulatorFeed(baseUrl, token, terminals)
    const money = new SimulatedMoney(baseUrl, token, terminals, {
      daySeconds: this.daySeconds,
      closingHour: this.closingHour,
    })
    await money.init()

    this.app.terminating(async () => {
      this.#stop()
      await this.#inFlight
      if (!this.token) await ApiTokenService.revoke(tokenName)
      this.logger.info(`simulator stopped: ${feed.summary()}; ${money.summary()}`)
    })

    this.logger.info(
      `simulating ${this.rate}/s for ${terminals.length} terminal(s) → ${feed.endpoint} (Ctrl+C stops)`
    )
    const tickMs = Math.max(200, Math.min(1000, 1000 / this.rate))
    const endsAt = this.duration ? Date.now() + this.duration * 1000 : Infinity
    let due = 0
    let lastReport = Date.now()
    const tick = async () => {
      if (this.#stopped) return
      due += (this.rate * tickMs) / 1000
      const count = Math.floor(due)
      due -= count
      if (count > 0) {
        this.#inFlight = feed.send(count).catch((error) => {
          this.logger.warning(`send failed: ${error.message}`)
        })
        await this.#inFlight
      }
      if (!this.#stopped) {
        this.#inFlight = money.tick().catch((error) => {
          this.logger.warning(`closings/payouts failed: ${error.message}`)
        })
        await this.#inFlight
      }
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now()
        this.logger.info(`${feed.summary()}; ${money.summary()}`)
      }
      if (Date.now() >= endsAt) return this.app.terminate()
      if (!this.#stopped) this.#timer = setTimeout(tick, tickMs)
    }
    this.#timer = setTimeout(tick, 0)
  }

  #stop() {
    this.#stopped = true
    clearTimeout(this.#timer)
  }

  #fail(message: string) {
    this.logger.error(message)
    this.exitCode = 1
    return this.app.terminate()
  }
}
