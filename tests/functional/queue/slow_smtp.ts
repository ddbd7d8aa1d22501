import { SMTPServer } from 'smtp-server'
import { simpleParser } from 'mailparser'

type Delivery = { to: string[]; subject: string }

/**
 * An SMTP server that holds the first delivery open (as a slow or hanging mail
 * server would) and accepts later ones at once, so a worker can be stopped
 * while a mail job is running. Only accepted mails count as delivered.
 */
export class SlowSmtp {
  readonly accepted: Delivery[] = []
  deliveriesStarted = 0
  #server?: SMTPServer

  /** holdFirstMs: how long the first delivery waits before it is accepted (Infinity: never). */
  constructor(
    readonly port: number,
    readonly holdFirstMs: number
  ) {}

  async start() {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = []
        const number = ++this.deliveriesStarted
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', async () => {
          if (number === 1) {
            if (!Number.isFinite(this.holdFirstMs)) return /* never answers */
            await new Promise((resolve) => setTimeout(resolve, this.holdFirstMs))
          }
          const parsed = await simpleParser(Buffer.concat(chunks))
          const to = (Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : []).flatMap(
            (entry) => entry.value.map((address) => address.address ?? '')
          )
          callback()
          this.accepted.push({ to, subject: parsed.subject ?? '' })
        })
      },
    })
    await new Promise<void>((resolve, reject) => {
      this.#server!.once('error', reject)
      this.#server!.listen(this.port, '127.0.0.1', () => resolve())
    })
  }

  to(address: string) {
    return this.accepted.filter((mail) => mail.to.includes(address))
  }

  async stop() {
    const server = this.#server
    this.#server = undefined
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
