import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * A demo feed: realistic card transactions for the existing terminals, sent
 * through the real ingest API (HTTP, bearer token), until stopped.
 */
export default class TransactionsSimulate extends BaseCommand {
  static commandName = 'transactions:simulate'
  static description =
    'Send realistic demo transactions for existing terminals through the ingest API until SIGINT/SIGTERM'
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

  #timer?: NodeJS.Timeout
  #stopped = false
  #inFlight = Promise.resolve()

  async run() {
    const { appUrl } = await import('#config/app')
    const { ApiTokenService } = await import('#services/ingest/api_token_service')
    const { SimulatorFeed } = await import('#services/ingest/simulator_feed')

    if (!(this.rate > 0 && this.rate <= 1000))
      return this.#fail('--rate must be between 0 and 1000')
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
    const feed = new SimulatorFeed((this.url ?? appUrl).replace(/\/+$/, ''), token, terminals)

    this.app.terminating(async () => {
      this.#stop()
      await this.#inFlight
      if (!this.token) await ApiTokenService.revoke(tokenName)
      this.logger.info(`simulator stopped: ${feed.summary()}`)
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
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now()
        this.logger.info(feed.summary())
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
