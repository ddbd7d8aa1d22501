import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SMTPServer } from 'smtp-server'
import { simpleParser, type ParsedMail } from 'mailparser'

export type SunkMail = { id: string; raw: Buffer; parsed: ParsedMail }

/**
 * A local SMTP server that accepts every mail and keeps it as an .eml file: the
 * demo's mail viewer and the tests read what the worker really sent over SMTP.
 */
export class SmtpSink extends EventEmitter {
  #server?: SMTPServer
  readonly mails: SunkMail[] = []

  constructor(readonly options: { port: number; host?: string; dir?: string }) {
    super()
  }

  async start() {
    if (this.options.dir) await mkdir(this.options.dir, { recursive: true })
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      size: 20 * 1024 * 1024,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          this.#store(Buffer.concat(chunks)).then(() => callback(), callback)
        })
      },
    })
    await new Promise<void>((resolve, reject) => {
      this.#server!.once('error', reject)
      this.#server!.listen(this.options.port, this.options.host ?? '127.0.0.1', () => resolve())
    })
  }

  async stop() {
    const server = this.#server
    this.#server = undefined
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  get running() {
    return Boolean(this.#server)
  }

  /** Resolves with the first mail (already received or arriving) that matches. */
  waitFor(match: (mail: SunkMail) => boolean, timeoutMs = 10_000): Promise<SunkMail> {
    const found = this.mails.find(match)
    if (found) return Promise.resolve(found)
    return new Promise((resolve, reject) => {
      const onMail = (mail: SunkMail) => {
        if (!match(mail)) return
        clearTimeout(timer)
        this.off('mail', onMail)
        resolve(mail)
      }
      const timer = setTimeout(() => {
        this.off('mail', onMail)
        reject(new Error(`No matching mail within ${timeoutMs} ms`))
      }, timeoutMs)
      this.on('mail', onMail)
    })
  }

  /** Mails sent to an address (case-insensitive). */
  to(address: string) {
    const wanted = address.toLowerCase()
    return this.mails.filter((mail) => recipients(mail).includes(wanted))
  }

  clear() {
    this.mails.length = 0
  }

  async #store(raw: Buffer) {
    const id = `${Date.now()}-${randomBytes(4).toString('hex')}`
    if (this.options.dir) {
      const tmp = join(this.options.dir, `.${id}.tmp`)
      await writeFile(tmp, raw)
      await rename(tmp, join(this.options.dir, `${id}.eml`))
    }
    const mail = { id, raw, parsed: await simpleParser(raw) }
    this.mails.push(mail)
    this.emit('mail', mail)
  }
}

export function recipients(mail: SunkMail) {
  const to = mail.parsed.to
  const list = Array.isArray(to) ? to : to ? [to] : []
  return list.flatMap((entry) => entry.value.map((addr) => (addr.address ?? '').toLowerCase()))
}

/** Reads the mails a sink stored in a folder, newest first (the demo mail viewer). */
export async function readMailDir(dir: string, limit = 100) {
  let names: string[] = []
  try {
    const all = await readdir(dir)
    names = all.filter((name) => name.endsWith('.eml'))
  } catch {
    return []
  }
  names.sort().reverse()
  return Promise.all(
    names.slice(0, limit).map(async (name) => {
      const parsed = await simpleParser(await readFile(join(dir, name)))
      return { id: name.replace(/\.eml$/, ''), parsed }
    })
  )
}
