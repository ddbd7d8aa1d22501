import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import app from '@adonisjs/core/services/app'
import { API_PATH } from '#tests/functional/ingest/helpers'

const HOST = '127.0.0.1'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, HOST, () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/**
 * Another web process of the same installation: its own port, the same
 * database and Redis channel prefix (DB_DATABASE, QUEUE_PREFIX come with the
 * env), plus any settings the test overrides.
 */
export class WebProcess {
  child?: ChildProcess
  output = ''
  exitCode?: number | null
  baseUrl = ''

  constructor(private overrides: Record<string, string> = {}) {}

  /** Starts `bin/server.ts`; resolves once /health answers (200, or any status when `anyStatus`). */
  async start(options: { anyStatus?: boolean } = {}) {
    const port = await freePort()
    this.baseUrl = `http://${HOST}:${port}`
    this.child = spawn(process.execPath, ['--import=@poppinss/ts-exec', 'bin/server.ts'], {
      cwd: app.makePath(),
      env: { ...process.env, NODE_ENV: 'test', PORT: String(port), HOST, ...this.overrides },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000))
    this.child.stdout!.on('data', keep)
    this.child.stderr!.on('data', keep)
    this.child.once('exit', (code) => (this.exitCode = code))

    const until = Date.now() + 60_000
    while (Date.now() < until) {
      if (this.exitCode !== undefined) break
      try {
        const response = await fetch(`${this.baseUrl}/health`)
        if (response.ok || options.anyStatus) return
      } catch {}
      await sleep(250)
    }
    await this.stop()
    throw new Error(`the web process did not become healthy:\n${this.output}`)
  }

  /** SIGTERM and wait for the exit; SIGKILL if it hangs. Resolves with the milliseconds it took. */
  async stop(graceMs = 20_000) {
    const child = this.child
    if (!child || this.exitCode !== undefined) return 0
    const started = Date.now()
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    const inTime = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)])
    if (!inTime) {
      child.kill('SIGKILL')
      await exited
    }
    return inTime ? Date.now() - started : Number.POSITIVE_INFINITY
  }

  /** POSTs a batch to this process's ingest API. */
  async postBatch(transactions: unknown[], token: string) {
    const response = await fetch(this.baseUrl + API_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` },
      body: JSON.stringify({ transactions }),
    })
    return { status: response.status, json: (await response.json()) as any }
  }
}
