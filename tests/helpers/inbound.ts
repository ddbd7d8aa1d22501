import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import app from '@adonisjs/core/services/app'

/*
| The inbound mail listener (`node ace mail:inbound`) as a real child process, for
| the functional and browser tests of replies by mail (docs/inbound.md).
*/

export async function freePort() {
  return new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export type Listener = { child: ChildProcess; port: number; output: () => string }

/** Starts `node ace mail:inbound --port <free port>` (with `env` added) and waits until it listens. */
export async function startListener(env: Record<string, string> = {}): Promise<Listener> {
  const port = await freePort()
  const child = spawn(process.execPath, ['ace', 'mail:inbound', '--port', String(port)], {
    cwd: app.makePath(),
    env: { ...process.env, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`listener did not start:\n${output}`)), 30_000)
    const check = () => {
      if (output.includes('inbound listener (pid')) {
        clearTimeout(timer)
        child.stdout!.off('data', check)
        resolve()
      }
    }
    child.stdout!.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`listener exited with ${code}:\n${output}`))
    })
  })
  return { child, port, output: () => output }
}

/** Sends SIGTERM; resolves with the exit code and how long it took, or null after `ms`. */
export function terminate(child: ChildProcess, ms = 10_000) {
  return new Promise<{ code: number | null; tookMs: number } | null>((resolve) => {
    if (child.exitCode !== null) return resolve({ code: child.exitCode, tookMs: 0 })
    const started = Date.now()
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      resolve(null)
    }, ms)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, tookMs: Date.now() - started })
    })
    child.kill('SIGTERM')
  })
}
