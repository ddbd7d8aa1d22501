import { spawn, type ChildProcess } from 'node:child_process'
import app from '@adonisjs/core/services/app'
import env from '#start/env'

/** The environment of a separate worker process with its own queue prefix and SMTP port. */
export function workerEnv(prefix: string, smtpPort: number) {
  return {
    ...process.env,
    NODE_ENV: 'test',
    DB_DATABASE: env.get('DB_DATABASE'),
    QUEUE_PREFIX: prefix,
    SMTP_PORT: String(smtpPort),
  }
}

export type WorkerProcess = {
  child: ChildProcess
  output: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>
}

/** Spawns `node ace queue:work` (on `queues`) and resolves once it reports that it started. */
export async function startWorker(
  environment: NodeJS.ProcessEnv,
  queues: string[] = ['mail']
): Promise<WorkerProcess> {
  const args = queues.map((name) => `--queue=${name}`)
  const child = spawn(process.execPath, ['ace', 'queue:work', ...args], {
    cwd: app.makePath(),
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
    (resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() }))
  )
  const until = Date.now() + 30_000
  while (!output.includes('worker started')) {
    if (child.exitCode !== null || Date.now() > until) {
      child.kill('SIGKILL')
      throw new Error(`worker did not start:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return { child, output: () => output, exited }
}

/** `node ace mail:test <address>` in a separate, short-lived process (it only enqueues). */
export function queueTestMail(environment: NodeJS.ProcessEnv, address: string) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['ace', 'mail:test', address], {
      cwd: app.makePath(),
      env: environment,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout!.on('data', (chunk) => (output += chunk))
    child.stderr!.on('data', (chunk) => (output += chunk))
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`mail:test exited ${code}:\n${output}`))
    )
  })
}
