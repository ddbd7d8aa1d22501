import proxyAddr from 'proxy-addr'
import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { inboundSmtp } from '#config/portal'
import { InboundServer } from '#services/inbound/inbound_server'

/** INBOUND_RELAYS (addresses, CIDR ranges or loopback/linklocal/uniquelocal) as a check. */
function relayCheck(relays: string[]) {
  const trusted = proxyAddr.compile(relays)
  return (ip: string) => trusted(ip, 0)
}

/**
 * The inbound SMTP listener for replies by mail (docs/inbound.md). Runs until
 * SIGTERM/SIGINT: then it stops accepting, lets mails being stored finish and
 * cuts open connections after a few seconds (process shutdown helper).
 */
export default class MailInbound extends BaseCommand {
  static commandName = 'mail:inbound'
  static description = 'Run the inbound SMTP listener that stores replies by mail in their tickets'
  static options: CommandOptions = { startApp: true, staysAlive: true }

  @flags.string({
    description: `Address to listen on (default INBOUND_SMTP_HOST, ${inboundSmtp.host})`,
  })
  declare host: string | undefined

  @flags.number({
    description: `Port to listen on (default INBOUND_SMTP_PORT, ${inboundSmtp.port})`,
  })
  declare port: number | undefined

  async run() {
    const server = new InboundServer({
      host: this.host || inboundSmtp.host,
      port: this.port ?? inboundSmtp.port,
      maxBytes: inboundSmtp.maxBytes,
      perMinute: inboundSmtp.perMinute,
      perTicketHour: inboundSmtp.perTicketHour,
      isRelay: inboundSmtp.relays.length ? relayCheck(inboundSmtp.relays) : undefined,
    })
    this.app.terminating(async () => {
      this.logger.info('inbound listener stopping')
      await server.stop()
    })
    try {
      await server.start()
    } catch (error) {
      this.logger.error(`inbound listener could not start: ${(error as Error).message}`)
      this.exitCode = 1
      await this.app.terminate()
      return
    }
    this.logger.info(
      `inbound listener (pid ${process.pid}) on ${server.options.host}:${server.port}, ` +
        `max ${inboundSmtp.maxBytes} bytes, ${inboundSmtp.perMinute} mails/min per IP` +
        (inboundSmtp.relays.length ? ` (not for relays ${inboundSmtp.relays.join(', ')})` : '') +
        `, ${inboundSmtp.perTicketHour} mails/h per ticket`
    )
  }
}
