/*
| Throw-away MariaDB and Redis instances on free loopback ports, from the
| installed binaries: for `npm test`, the production smoke test, the cluster
| test and its benchmark. Plain JavaScript: it runs before the TypeScript
| loader and in a build/ without dev dependencies.
*/
import { spawn, spawnSync, execFileSync } from 'node:child_process'
import { connect, createServer } from 'node:net'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const isRoot = process.getuid?.() === 0
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Thrown when a program is missing or fails to start; its message is one line for the user. */
export class ServiceError extends Error {}

/** The first of the names found on PATH (or in /usr/sbin, /usr/bin). */
export function which(...names) {
  const dirs = (process.env.PATH ?? '')
    .split(':')
    .concat(['/usr/sbin', '/usr/bin', '/usr/local/bin'])
  for (const name of names) {
    for (const dir of dirs) if (dir && existsSync(join(dir, name))) return join(dir, name)
  }
  return undefined
}

/** A TCP port nobody listens on right now (on `host`). */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Resolves true when something accepts TCP connections on the port. */
export function tcpOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** Sends SIGTERM, waits up to `graceMs`, then SIGKILL. */
export async function stopChild(child, graceMs = 20_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const inTime = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)])
  if (!inTime) {
    child.kill('SIGKILL')
    await exited
  }
}

/**
 * redis-server on a free port (or `port`), nothing kept on disk. Resolves once
 * it answers. `stop()` ends it; `restart()` starts it again on the same port.
 */
export async function startRedis({ port, cwd } = {}) {
  const binary = which('redis-server')
  if (!binary)
    throw new ServiceError('redis-server not found (Debian: apt-get install redis-server)')
  const chosen = port ?? (await freePort())
  const spawnIt = () =>
    spawn(
      binary,
      ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore', cwd }
    )
  const instance = {
    port: chosen,
    child: spawnIt(),
    async waitReady() {
      for (let i = 0; i < 200; i++) {
        if (instance.child.exitCode !== null) {
          throw new ServiceError(`redis-server exited with code ${instance.child.exitCode}`)
        }
        if (await tcpOpen(chosen)) return
        await sleep(50)
      }
      throw new ServiceError('redis-server did not answer within 10 s')
    },
    stop: () => stopChild(instance.child),
    async restart() {
      await stopChild(instance.child)
      instance.child = spawnIt()
      await instance.waitReady()
    },
  }
  await instance.waitReady()
  return instance
}

/**
 * mariadbd from the installed binaries with its data in `dir` (created with
 * mariadb-install-db when empty), on a free loopback port. `args` adds server
 * options (e.g. `--server-id=1 --log-bin` for a primary). `sql(text)` runs
 * statements as root over the socket.
 */
export async function startMariaDb({ dir, port, args = [] }) {
  const server = which('mariadbd', 'mysqld')
  const installer = which('mariadb-install-db', 'mysql_install_db')
  const client = which('mariadb', 'mysql')
  if (!server || !installer || !client) {
    throw new ServiceError('MariaDB server not found (Debian: apt-get install mariadb-server)')
  }
  const userFlag = isRoot ? ['--user=root'] : []
  if (!existsSync(join(dir, 'mysql'))) {
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    const install = spawnSync(
      installer,
      [
        '--no-defaults',
        ...userFlag,
        `--datadir=${dir}`,
        '--auth-root-authentication-method=socket',
        '--skip-test-db',
      ],
      { encoding: 'utf8' }
    )
    if (install.status !== 0) {
      rmSync(dir, { recursive: true, force: true })
      const lines = (install.stderr || install.stdout || '').trim().split('\n')
      const reason =
        lines
          .filter((line) => /ERROR/.test(line))
          .slice(0, 3)
          .join(' | ') || lines.pop()
      throw new ServiceError(`mariadb-install-db failed: ${reason}`)
    }
  }
  const chosen = port ?? (await freePort())
  const socket = join(dir, 'mysqld.sock')
  const child = spawn(
    server,
    [
      '--no-defaults',
      ...userFlag,
      `--datadir=${dir}`,
      `--socket=${socket}`,
      `--port=${chosen}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${join(dir, 'mysqld.pid')}`,
      '--innodb-flush-log-at-trx-commit=2',
      '--innodb-buffer-pool-size=256M',
      '--local-infile=1',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
      '--max-connections=500',
      ...args,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] }
  )
  let log = ''
  child.stderr.on('data', (chunk) => (log = (log + chunk).slice(-4000)))
  const sql = (text) =>
    execFileSync(client, [`--socket=${socket}`, '-uroot', '--batch', '--skip-column-names'], {
      input: text,
      encoding: 'utf8',
    })
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) {
      throw new ServiceError(
        `mariadbd exited with code ${child.exitCode}: ${log.trim().split('\n').pop()}`
      )
    }
    const ping = spawnSync(client, [`--socket=${socket}`, '-uroot', '-e', 'SELECT 1'], {
      stdio: 'ignore',
    })
    if (ping.status === 0) break
    if (i >= 600) throw new ServiceError('mariadbd did not answer within 60 s')
    await sleep(100)
  }
  return { port: chosen, socket, dir, child, sql, stop: () => stopChild(child, 30_000) }
}

/** The application's database and user on a MariaDB instance (idempotent). */
export function createAppDatabase(
  mariadb,
  { database, user = 'kundenportal', password = 'kundenportal' }
) {
  const grant = database.replace(/_/g, '\\_')
  mariadb.sql(`
    CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    CREATE USER IF NOT EXISTS '${user}'@'127.0.0.1' IDENTIFIED BY '${password}';
    CREATE USER IF NOT EXISTS '${user}'@'localhost' IDENTIFIED BY '${password}';
    GRANT ALL ON \`${grant}%\`.* TO '${user}'@'127.0.0.1';
    GRANT ALL ON \`${grant}%\`.* TO '${user}'@'localhost';
    FLUSH PRIVILEGES;
  `)
}

/**
 * Makes `replica` follow `primary` (both started by startMariaDb, the primary
 * with `--server-id=1 --log-bin`, the replica with another server id), using
 * GTIDs from the start of the primary's binary log.
 */
export function startReplication(primary, replica) {
  primary.sql(`
    CREATE USER IF NOT EXISTS 'repl'@'127.0.0.1' IDENTIFIED BY 'repl';
    GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';
    FLUSH PRIVILEGES;
  `)
  replica.sql(`
    STOP SLAVE;
    RESET SLAVE ALL;
    SET GLOBAL gtid_slave_pos = '';
    CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primary.port},
      MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos;
    START SLAVE;
  `)
}
