/*
| The production shape on one machine, for the cluster test and its benchmark:
| a MariaDB primary (and optionally a GTID replica), Redis, an SMTP sink, web
| and worker processes from build/ (as `cd build && npm ci --omit=dev` leaves
| it) with the settings of deploy/env.example, and nginx with the shipped site
| file in front. Everything lives in one temporary folder and on free loopback
| ports; stop() (also run on exit and on SIGINT/SIGTERM) ends every process.
*/
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import mysql from 'mysql2/promise'
import { SMTPServer } from 'smtp-server'
import {
  createAppDatabase,
  freePort,
  sleep,
  startMariaDb,
  startRedis,
  startReplication,
  which,
  type MariaDbInstance,
  type RedisInstance,
} from '../../bin/lib/local_services.js'
import { Nginx } from './nginx.js'

const ROOT = new URL('../../', import.meta.url).pathname
/** BUILD_DIR: another bundle than ./build (e.g. a copy made elsewhere). */
export const BUILD = process.env.BUILD_DIR ?? join(ROOT, 'build')
const DATABASE = 'kundenportal'

/** Says in one line what is missing (the build, its packages, nginx, openssl), and exits 1. */
export function requireBuild(command: string) {
  const missing = !existsSync(join(BUILD, 'bin', 'server.js'))
    ? `${BUILD} is missing: run \`node ace build\` first`
    : !existsSync(join(BUILD, 'node_modules', '@adonisjs', 'core'))
      ? `${BUILD} has no packages: run \`cd build && npm ci --omit=dev\``
      : !which('nginx')
        ? 'nginx is not installed (Debian: apt-get install nginx)'
        : !which('openssl')
          ? 'openssl is not installed (Debian: apt-get install openssl)'
          : null
  if (missing) {
    console.error(`${command}: ${missing}`)
    process.exit(1)
  }
}

/** deploy/env.example as systemd's EnvironmentFile= reads it: KEY=value, quotes removed. */
export function shippedEnv() {
  const env: Record<string, string> = {}
  const file = join(ROOT, 'deploy', 'env.example')
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (match) env[match[1]] = match[2].replace(/^"(.*)"$/, '$1')
  }
  return env
}

/** A process of the build in its own process group (a worker's Chromium goes with it). */
export class BuildProcess {
  readonly child: ChildProcess
  output = ''
  exited: Promise<void>

  constructor(
    readonly name: string,
    args: string[],
    env: NodeJS.ProcessEnv
  ) {
    this.child = spawn(process.execPath, args, {
      cwd: BUILD,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk).slice(-30_000))
    this.child.stdout!.on('data', keep)
    this.child.stderr!.on('data', keep)
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()))
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** SIGKILL to the whole process group, at once. */
  kill() {
    try {
      process.kill(-this.child.pid!, 'SIGKILL')
    } catch {}
  }

  /** SIGTERM as systemd sends it; SIGKILL to the group after `graceMs` (and for leftovers). */
  async stop(graceMs = 20_000) {
    if (this.running) {
      this.child.kill('SIGTERM')
      const inTime = await Promise.race([
        this.exited.then(() => true),
        sleep(graceMs).then(() => false),
      ])
      if (!inTime) console.log(`  (${this.name} did not stop within ${graceMs} ms: SIGKILL)`)
    }
    this.kill()
    await this.exited
  }
}

export type ClusterOptions = {
  webs: number
  workers: number
  replica: boolean
  /** settings over deploy/env.example's and the cluster's own */
  env?: Record<string, string>
}

export class Cluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'kp-cluster-'))
  primary!: MariaDbInstance
  replica?: MariaDbInstance
  redis!: RedisInstance
  smtp?: SMTPServer
  mailsReceived = 0
  nginx!: Nginx
  env: NodeJS.ProcessEnv = {}
  webs: { port: number; process: BuildProcess }[] = []
  workers: BuildProcess[] = []
  db!: mysql.Pool
  replicaDb?: mysql.Pool
  #stopping?: Promise<void>

  constructor(readonly options: ClusterOptions) {
    /* nginx's workers (nobody, under root) read and write below it */
    chmodSync(this.dir, 0o755)
    /* last resort: no process outlives the test, even when it crashes */
    process.once('exit', () => this.#killAll())
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => void this.stop().finally(() => process.exit(130)))
    }
  }

  /** Databases, Redis, SMTP sink, schema, demo data, then processes and nginx. */
  async start(log: (line: string) => void = () => {}) {
    const [http, https] = [await freePort(), await freePort()]
    this.nginx = Nginx.prepare(join(this.dir, 'nginx'), { http, https })

    const started = performance.now()
    const [primary, replica, redis, smtpPort] = await Promise.all([
      startMariaDb({
        dir: join(this.dir, 'primary'),
        /* a primary writes the binary log its replicas read */
        args: this.options.replica
          ? ['--server-id=1', '--log-bin', '--log-basename=primary']
          : ['--skip-log-bin'],
      }),
      this.options.replica
        ? startMariaDb({ dir: join(this.dir, 'replica'), args: ['--server-id=2', '--read-only'] })
        : undefined,
      startRedis({ cwd: this.dir }),
      this.#startSmtp(),
    ])
    Object.assign(this, { primary, replica, redis })
    /* from the first statement on: the app's database and user reach the replica too */
    if (replica) startReplication(primary, replica)
    createAppDatabase(primary, { database: DATABASE })
    log(
      `MariaDB primary :${primary.port}${replica ? `, replica :${replica.port}` : ''}, ` +
        `Redis :${redis.port}, SMTP :${smtpPort} (${seconds(started)})`
    )

    this.env = {
      PATH: process.env.PATH,
      HOME: this.dir,
      ...shippedEnv(),
      APP_KEY: randomBytes(32).toString('base64url'),
      APP_URL: `https://localhost:${https}`,
      DB_HOST: '127.0.0.1',
      DB_PORT: String(primary.port),
      DB_USER: 'kundenportal',
      DB_PASSWORD: 'kundenportal',
      DB_DATABASE: DATABASE,
      DB_REPLICA_HOSTS: replica ? `127.0.0.1:${replica.port}` : '',
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(redis.port),
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtpPort),
      INVOICE_STORAGE_PATH: join(this.dir, 'invoices'),
      ...this.options.env,
    }
    const pool = (port: number) =>
      mysql.createPool({
        host: '127.0.0.1',
        port,
        user: 'kundenportal',
        password: 'kundenportal',
        database: DATABASE,
        connectionLimit: 4,
        timezone: 'Z',
      })
    this.db = pool(primary.port)
    if (replica) this.replicaDb = pool(replica.port)

    const migrated = performance.now()
    await this.ace(['migration:run', '--force'])
    log(`migrated (${seconds(migrated)})`)
  }

  /** Starts the web processes and workers, then nginx over the web processes. */
  async startProcesses(log: (line: string) => void = () => {}) {
    const started = performance.now()
    const ports = await Promise.all(Array.from({ length: this.options.webs }, () => freePort()))
    await Promise.all([
      ...ports.map((port) => this.startWeb(port)),
      ...Array.from({ length: this.options.workers }, () => this.startWorker()),
    ])
    await this.nginx.start(this.webs.map((web) => web.port))
    log(
      `${this.webs.length} web (:${ports.join(', :')}) and ${this.workers.length} worker processes, ` +
        `nginx https :${this.nginx.ports.https} http :${this.nginx.ports.http} (${seconds(started)})`
    )
  }

  /** `node ace.js …` in build/ with the cluster's settings; resolves with its stdout. */
  async ace(args: string[]) {
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['ace.js', ...args], {
        cwd: BUILD,
        env: this.env,
        maxBuffer: 10 * 1024 * 1024,
      })
      return stdout
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
      throw new Error(`node ace.js ${args.join(' ')} failed:\n${stdout}${stderr}`.trim())
    }
  }

  /** A web process as kundenportal-web@PORT.service runs it; resolves once /health answers 200. */
  async startWeb(port: number) {
    const web = new BuildProcess(`web :${port}`, ['bin/server.js'], {
      ...this.env,
      PORT: String(port),
      HOST: '127.0.0.1',
    })
    const entry = { port, process: web }
    const index = this.webs.findIndex((existing) => existing.port === port)
    if (index >= 0) this.webs[index] = entry
    else this.webs.push(entry)
    for (let i = 0; i < 240; i++) {
      if (!web.running) break
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return web
      } catch {}
      await sleep(250)
    }
    throw new Error(`web process :${port} did not become healthy:\n${web.output}`)
  }

  /** A worker as kundenportal-worker@N.service runs it; resolves once it says it started. */
  async startWorker() {
    const worker = new BuildProcess(`worker ${this.workers.length + 1}`, ['ace.js', 'queue:work'], {
      ...this.env,
      LOG_LEVEL: 'info',
    })
    this.workers.push(worker)
    for (let i = 0; i < 240; i++) {
      if (worker.output.includes('worker started')) return worker
      if (!worker.running) break
      await sleep(250)
    }
    throw new Error(`${worker.name} did not start:\n${worker.output}`)
  }

  /** Waits until the replica has applied everything the primary has written so far. */
  async replicaCaughtUp(timeoutSeconds = 30) {
    if (!this.replica) return
    const position = this.primary.sql('SELECT @@gtid_binlog_pos').trim()
    const reached = this.replica
      .sql(`SELECT MASTER_GTID_WAIT('${position}', ${timeoutSeconds})`)
      .trim()
    if (reached !== '0') throw new Error(`the replica did not reach ${position}`)
  }

  /** The output of every process, for a failure report. */
  outputs() {
    return this.#members()
      .map(
        (member) => `--- ${member.name}\n${member.output.trim().split('\n').slice(-15).join('\n')}`
      )
      .concat(this.nginx?.log ? [`--- nginx\n${this.nginx.log}`] : [])
      .join('\n')
  }

  stop() {
    this.#stopping ??= this.#stop()
    return this.#stopping
  }

  async #stop() {
    await this.nginx?.stop().catch(() => {})
    await Promise.allSettled([
      ...this.webs.map((web) => web.process.stop(15_000)),
      ...this.workers.map((worker) => worker.stop(15_000)),
    ])
    await Promise.allSettled([this.db?.end(), this.replicaDb?.end()])
    await Promise.allSettled([this.primary?.stop(), this.replica?.stop(), this.redis?.stop()])
    await new Promise<void>((resolve) => (this.smtp ? this.smtp.close(() => resolve()) : resolve()))
    rmSync(this.dir, { recursive: true, force: true })
  }

  #members() {
    return [...this.webs.map((web) => web.process), ...this.workers]
  }

  #killAll() {
    for (const member of this.#members()) member.kill()
    for (const child of [this.nginx?.child, this.primary?.child, this.replica?.child]) {
      child?.kill('SIGKILL')
    }
    this.redis?.child.kill('SIGKILL')
  }

  async #startSmtp() {
    const port = await freePort()
    this.smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        stream.resume()
        stream.on('end', () => {
          this.mailsReceived++
          callback()
        })
      },
    })
    await new Promise<void>((resolve) => this.smtp!.listen(port, '127.0.0.1', resolve))
    return port
  }
}

export const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`
