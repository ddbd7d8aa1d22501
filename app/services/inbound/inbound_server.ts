import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server'
import logger from '@adonisjs/core/services/logger'
import limiter from '@adonisjs/limiter/services/main'
import { errors as limiterErrors } from '@adonisjs/limiter'
import { ticketForAddress, type AddressedTicket } from '#services/tickets/reply_address'
import { InboundRejection, receiveMail, REJECT } from '#services/inbound/inbound_mail'
import { limitKeyAddress } from '#services/security/client_address'

/*
| The portal's inbound SMTP listener (`node ace mail:inbound`, docs/inbound.md).
| No AUTH and no STARTTLS: it runs behind the domain's MX or on an internal
| port. Every step answers at SMTP level and nothing a client sends can stop the
| process: unknown recipients get 550 at RCPT, a sender over its rate 451, a
| mail over the size 552, what cannot be attributed 550/554.
*/

export type InboundServerOptions = {
  host: string
  port: number
  /** largest message in bytes (SIZE extension) */
  maxBytes: number
  /** mails per sending IP address and minute (shared in Redis by all listeners) */
  perMinute: number
  /** mails one ticket takes per hour */
  perTicketHour: number
  /** our own mail servers (INBOUND_RELAYS): not limited per IP */
  isRelay?: (ip: string) => boolean
}

/** Reply addresses per mail; a mail to more is refused from the next one on. */
const MAX_RECIPIENTS = 10
/** Parallel connections; more get 421 and the sending server retries. */
const MAX_CLIENTS = 500
/** Connections still open when stopping are cut after this. */
const CLOSE_TIMEOUT_MS = 3000

function smtpError(code: number, message: string) {
  return Object.assign(new Error(message), { responseCode: code })
}

export class InboundServer {
  #server?: SMTPServer
  #running = new Set<Promise<unknown>>()

  constructor(readonly options: InboundServerOptions) {}

  async start() {
    const { maxBytes } = this.options
    this.#server = new SMTPServer({
      name: 'kundenportal-inbound',
      banner: 'Kundenportal inbound',
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      size: maxBytes,
      rejectOversized: true,
      maxClients: MAX_CLIENTS,
      closeTimeout: CLOSE_TIMEOUT_MS,
      socketTimeout: 60_000,
      onMailFrom: (_address, session, callback) => {
        this.#track(this.#checkRate(session)).then(() => callback(), callback)
      },
      onRcptTo: (address, session, callback) => {
        this.#track(this.#checkRecipient(address.address, session)).then(() => callback(), callback)
      },
      onData: (stream, session, callback) => {
        this.#track(this.#receive(stream, session)).then(() => callback(), callback)
      },
    })
    /* a client's socket error must never end the process */
    this.#server.on('error', (error) => {
      logger.warn({ err: { message: error.message } }, 'inbound smtp: connection error')
    })
    await new Promise<void>((resolve, reject) => {
      const server = this.#server!
      const onError = (error: Error) => reject(error)
      server.server.once('error', onError)
      server.listen(this.options.port, this.options.host, () => {
        server.server.off('error', onError)
        resolve()
      })
    })
  }

  /** The port really listened on (for --port 0). */
  get port() {
    const address = this.#server?.server.address()
    return typeof address === 'object' && address ? address.port : this.options.port
  }

  /** Stops accepting, lets mails being stored finish, cuts connections after a few seconds. */
  async stop() {
    const server = this.#server
    this.#server = undefined
    if (!server) return
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await Promise.allSettled([...this.#running])
  }

  #track<T>(promise: Promise<T>) {
    this.#running.add(promise)
    const done = () => this.#running.delete(promise)
    promise.then(done, done)
    return promise
  }

  /**
   * MAIL FROM: at most `perMinute` mails a minute per sending IP address — except
   * from our own relays, whose address every mail they hand on carries.
   */
  async #checkRate(session: SMTPServerSession) {
    const ip = session.remoteAddress || 'unknown'
    if (this.options.isRelay?.(ip)) return
    await this.#consume(this.options.perMinute, '1 minute', `inbound_ip_${limitKeyAddress(ip)}`, {
      ip,
    })
  }

  async #consume(requests: number, duration: string, key: string, log: Record<string, unknown>) {
    try {
      await limiter.use({ requests, duration }).consume(key)
    } catch (error) {
      if (error instanceof limiterErrors.E_TOO_MANY_REQUESTS) {
        logger.info(log, 'inbound smtp: rate limited (451)')
        throw smtpError(451, '4.7.1 Too many mails, try again later')
      }
      /* Redis unreachable: the sending server keeps the mail and retries */
      logger.error({ err: { message: (error as Error).message } }, 'inbound smtp: rate limit store')
      throw smtpError(451, '4.3.0 Temporary local problem, try again later')
    }
  }

  /**
   * RCPT TO: only reply addresses that name a ticket, not expired, and at most
   * `perTicketHour` mails an hour into one ticket (whoever sends them).
   */
  async #checkRecipient(address: string, session: SMTPServerSession) {
    let ticket: AddressedTicket | null
    try {
      ticket = await ticketForAddress(address)
    } catch (error) {
      logger.error({ err: { message: (error as Error).message } }, 'inbound smtp: lookup failed')
      throw smtpError(451, '4.3.0 Temporary local problem, try again later')
    }
    if (ticket === null) {
      logger.info({ ip: session.remoteAddress }, 'inbound smtp: unknown reply address (550)')
      throw smtpError(550, REJECT.unknownRecipient().message)
    }
    if (ticket.expired) {
      logger.info({ ticketId: ticket.id }, 'inbound smtp: expired reply address (550)')
      throw smtpError(550, REJECT.expiredRecipient().message)
    }
    if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) {
      throw smtpError(452, '4.5.3 Too many recipients')
    }
    await this.#consume(this.options.perTicketHour, '1 hour', `inbound_ticket_${ticket.id}`, {
      ticketId: ticket.id,
    })
  }

  /** DATA: read the message (never more than the limit), then attribute and store it. */
  async #receive(stream: SMTPServerDataStream, session: SMTPServerSession) {
    const chunks: Buffer[] = []
    let bytes = 0
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        /* over the limit: keep reading (the client sends it anyway) but keep nothing */
        if (bytes <= this.options.maxBytes) chunks.push(chunk)
        else chunks.length = 0
      })
      stream.once('end', () => resolve())
      stream.once('error', reject)
    })
    if (stream.sizeExceeded || bytes > this.options.maxBytes) {
      logger.info({ ip: session.remoteAddress, bytes }, 'inbound smtp: too large (552)')
      throw smtpError(552, `5.3.4 Message too big, the limit is ${this.options.maxBytes} bytes`)
    }
    const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address)
    const mailFrom = session.envelope.mailFrom
    const envelopeFrom = mailFrom && mailFrom.address ? mailFrom.address : null
    try {
      const result = await receiveMail(Buffer.concat(chunks), { recipients, envelopeFrom })
      logger.info(
        { ip: session.remoteAddress, bytes, references: result.references, result: result.outcome },
        'inbound smtp: mail received (250)'
      )
    } catch (error) {
      if (error instanceof InboundRejection) {
        logger.info(
          { ip: session.remoteAddress, bytes, result: error.reason },
          `inbound smtp: mail refused (${error.responseCode})`
        )
        throw smtpError(error.responseCode, error.message)
      }
      /* only the error's code: a database error's message can quote the text being stored */
      const code = (error as { code?: string }).code ?? (error as Error).name
      logger.error({ ip: session.remoteAddress, bytes, code }, 'inbound smtp: storing failed (451)')
      throw smtpError(451, '4.3.0 Temporary local problem, try again later')
    }
  }
}
