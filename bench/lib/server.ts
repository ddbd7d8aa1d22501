/*
| Shared by the benchmarks that start the portal's web server: its environment (the
| settings of `.env.test`, run as in production), start and stop, and CPU readings
| from /proc (Linux; 0 elsewhere).
*/
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { promisify } from 'node:util'

export const ROOT = new URL('../../', import.meta.url).pathname

/** The settings of `.env.test` (complete on its own), as a plain object. */
export async function envTestSettings() {
  const settings: Record<string, string> = {}
  for (const line of (await readFile(`${ROOT}.env.test`, 'utf8')).split('\n')) {
    const match = line.match(/^([A-Z_][A-Z0-9_]*)=(.*)$/)
    if (match) settings[match[1]] = match[2].replace(/^"(.*)"$/, '$1')
  }
  return settings
}

/**
 * The web server's environment: `.env.test`'s settings, the caller's environment
 * over them, then `overrides`; NODE_ENV=production, as the portal runs for real
 * (compiled templates cached, no development checks), logging only warnings.
 */
export async function serverEnv(overrides: Record<string, string>): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {
    ...(await envTestSettings()),
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DB_CONNECTION: 'mysql',
    LOG_LEVEL: 'warn',
    ...overrides,
  }
  if (env.PORT) env.APP_URL = `http://127.0.0.1:${env.PORT}`
  return env
}

/** `node ace <args>` with that environment; rejects on a non-zero exit. */
export async function ace(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['ace', ...args], { cwd: ROOT, env, stdio: 'ignore' })
  const code = await new Promise((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`node ace ${args.join(' ')} exited with ${code}`)
}

/**
 * Starts `bin/server.ts` and waits for `/health`. BENCH_NODE_ARGS adds Node flags,
 * e.g. "--cpu-prof --cpu-prof-dir=tmp/prof" to profile the server.
 */
export async function startServer(env: NodeJS.ProcessEnv) {
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import=@poppinss/ts-exec', 'bin/server.ts'],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    }
  )
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${env.PORT}/health`)).ok) return child
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  child.kill('SIGKILL')
  throw new Error(`the web server did not answer on port ${env.PORT}`)
}

export async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null) return
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
}

/** The pid of a running program (e.g. mariadbd, redis-server), or undefined. */
export async function pidOf(program: string) {
  try {
    const { stdout } = await promisify(execFile)('pidof', [program])
    return Number(stdout.trim().split(' ')[0]) || undefined
  } catch {
    return undefined
  }
}

/** CPU seconds (user + system) a process has used so far. */
export async function cpuSeconds(pid: number | undefined) {
  try {
    return ticksToSeconds(await readFile(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return 0
  }
}

/** CPU seconds so far per thread kind of a process: `main`, `libuv-worker`, `V8Worker`, … */
export async function threadCpuSeconds(pid: number | undefined) {
  const byKind: Record<string, number> = {}
  try {
    for (const tid of await readdir(`/proc/${pid}/task`)) {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      const kind =
        tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      byKind[kind] = (byKind[kind] ?? 0) + ticksToSeconds(stat)
    }
  } catch {}
  return byKind
}

/** CPU seconds this process (the benchmark's client side) has used so far. */
export function ownCpuSeconds() {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1e6
}

function ticksToSeconds(stat: string) {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
