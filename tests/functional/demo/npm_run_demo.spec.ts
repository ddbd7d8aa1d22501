import { test } from '@japa/runner'
import { spawn, type ChildProcess } from 'node:child_process'
import { cp, mkdir, rm, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { connect } from 'node:net'
import app from '@adonisjs/core/services/app'
import hash from '@adonisjs/core/services/hash'
import Database from 'better-sqlite3'
import env from '#start/env'
import { sleep, waitUntil } from '#tests/functional/queue/helpers'
import { commandOf, descendantsOf, isAlive } from '#tests/helpers/processes'

/*
| `npm run demo` as a new user runs it: a copy of the project without .env,
| storage or build output (node_modules linked), started with only PATH and
| the ports in the environment.
*/
const COPY = ['ace.js', 'adonisrc.ts', 'package.json', 'tsconfig.json', '.env.example']
const COPY_DIRS = [
  'app',
  'bin',
  'commands',
  'config',
  'database',
  'demo',
  'providers',
  'public',
  'resources',
  'start',
]
const port = env.get('PORT') + 50
const smtpPort = env.get('SMTP_PORT') + 50
const dir = app.makePath(`tmp/demo-e2e-${port}`)
/* a port where no Redis runs: the demo must start redis-server itself (and stop it) */
const redisPort = 6400 + (port % 100)
const base = `http://127.0.0.1:${port}`
const demoEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  PORT: String(port),
  SMTP_PORT: String(smtpPort),
  REDIS_HOST: '127.0.0.1',
  REDIS_PORT: String(redisPort),
  QUEUE_PREFIX: `${env.get('QUEUE_PREFIX', 'kp-test')}-demo`,
}

/** Resolves true when something accepts TCP connections on the port. */
function listening(portNumber: number) {
  return new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: portNumber })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

async function freshCopy() {
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  for (const file of COPY) await cp(app.makePath(file), join(dir, file))
  for (const folder of COPY_DIRS) {
    await cp(app.makePath(folder), join(dir, folder), { recursive: true })
  }
  await symlink(app.makePath('node_modules'), join(dir, 'node_modules'), 'dir')
}

/** A tiny cookie-keeping client for the demo's own server. */
class Browser {
  cookies = new Map<string, string>()
  async request(path: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const headers: Record<string, string> = {
      cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    }
    let body: string | undefined
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = new URLSearchParams(init.form).toString()
    }
    const response = await fetch(base + path, {
      method: init.method ?? 'GET',
      headers,
      body,
      redirect: 'manual',
    })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';')
      const index = pair.indexOf('=')
      this.cookies.set(pair.slice(0, index), pair.slice(index + 1))
    }
    return { status: response.status, text: await response.text() }
  }
}

test.group('npm run demo from a fresh copy', (group) => {
  let demo: ChildProcess | undefined
  let output = ''

  group.setup(async () => {
    await freshCopy()
    return async () => {
      if (demo && demo.exitCode === null && demo.signalCode === null) {
        demo.kill('SIGINT')
        await sleep(15_000)
      }
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('starts everything, answers in German and English, the logins work, the worker delivers a mail, Ctrl-C stops all', async ({
    assert,
  }) => {
    assert.isFalse(await listening(redisPort), `port ${redisPort} must be free for this test`)
    demo = spawn(process.execPath, ['bin/demo.js'], {
      cwd: dir,
      env: demoEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    demo.stdout!.on('data', (chunk) => (output += chunk))
    demo.stderr!.on('data', (chunk) => (output += chunk))
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      demo!.once('exit', (code) => resolve({ code, at: Date.now() }))
    )
    await waitUntil(
      () => output.includes('Ctrl-C') || demo!.exitCode !== null,
      240_000,
      `the demo banner; output so far:\n${output}`
    )
    assert.include(output, 'Created .env from .env.example with a new APP_KEY')
    assert.include(output, `No Redis on port ${redisPort}: starting`)
    assert.include(output, `http://localhost:${port}/demo/mails`)

    /* German by default, English after the switch */
    const browser = new Browser()
    const page = await browser.request('/impressum')
    assert.equal(page.status, 200)
    assert.include(page.text, '<html lang="de">')
    const csrf = page.text.match(/name=['"]_csrf['"] value=['"]([^'"]+)['"]/)![1]
    const switched = await browser.request('/language', {
      method: 'POST',
      form: { _csrf: csrf, locale: 'en', back: '/impressum' },
    })
    assert.equal(switched.status, 302)
    assert.include((await browser.request('/impressum')).text, '<html lang="en">')

    /* the printed logins exist in the SQLite database */
    const passwords = [...output.matchAll(/Passwort:\s+(\S+)/g)].map((match) => match[1])
    assert.lengthOf(passwords, 2)
    const sqlite = new Database(join(dir, 'storage/demo.sqlite3'), { readonly: true })
    try {
      const merchant = sqlite
        .prepare("select password, state from users where email = 'demo@kundenportal.test'")
        .get() as { password: string; state: string }
      assert.equal(merchant.state, 'active')
      assert.isTrue(await hash.verify(merchant.password, passwords[0]))
      const support = sqlite
        .prepare("select password from staff_users where email = 'support@kundenportal.test'")
        .get() as { password: string }
      assert.isTrue(await hash.verify(support.password, passwords[1]))
    } finally {
      sqlite.close()
    }

    /* a mail queued by another process is sent by the worker and shows in the viewer */
    const address = `demo-e2e-${Date.now()}@example.com`
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['ace', 'mail:test', address], {
        cwd: dir,
        env: { ...demoEnv, NODE_ENV: 'development', DB_CONNECTION: 'sqlite' },
        stdio: 'ignore',
      })
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))))
    })
    let inbox = ''
    const until = Date.now() + 30_000
    while (!inbox.includes(address) && Date.now() < until) {
      await sleep(500)
      inbox = (await browser.request('/demo/mails')).text
    }
    assert.include(inbox, address)

    /* Ctrl-C stops the demo and everything it started */
    const stopping = Date.now()
    demo.kill('SIGINT')
    const exit = await exited
    assert.equal(exit.code, 0)
    assert.isBelow(exit.at - stopping, 20_000)
    assert.include(output, 'Demo stopped.')
    await assert.rejects(() => fetch(`${base}/health`))
    assert.isFalse(await listening(smtpPort))
    assert.isFalse(await listening(redisPort))
  }).timeout(360_000)

  test('killed with SIGKILL, the demo leaves no process behind', async ({ assert, cleanup }) => {
    assert.isFalse(await listening(redisPort), `port ${redisPort} must be free for this test`)
    let killedOutput = ''
    const killed = spawn(process.execPath, ['bin/demo.js'], {
      cwd: dir,
      env: demoEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    killed.stdout!.on('data', (chunk) => (killedOutput += chunk))
    killed.stderr!.on('data', (chunk) => (killedOutput += chunk))
    let started: number[] = []
    cleanup(() => {
      for (const pid of started.filter(isAlive)) process.kill(pid, 'SIGKILL')
    })
    await waitUntil(
      () => killedOutput.includes('Ctrl-C') || killed.exitCode !== null,
      240_000,
      `the demo banner; output so far:\n${killedOutput}`
    )
    /* Redis (and its guard), web, worker, simulator */
    started = await descendantsOf(killed.pid!)
    assert.isAtLeast(started.length, 5, killedOutput)
    const commands = new Map(started.map((pid) => [pid, commandOf(pid)]))

    killed.kill('SIGKILL')
    await sleep(5000)
    const left = started.filter(isAlive).map((pid) => `${pid} ${commands.get(pid)}`)
    assert.deepEqual(left, [], `processes left behind by the demo; its output:\n${killedOutput}`)
    assert.isFalse(await listening(port))
    assert.isFalse(await listening(redisPort))
  }).timeout(300_000)
})
