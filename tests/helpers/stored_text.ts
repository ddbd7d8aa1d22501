import { open, stat } from 'node:fs/promises'
import env from '#start/env'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'

/*
| Everything the portal keeps, as text, to look for data that must never be
| kept (full card numbers): every text column of every table, every Redis key
| and value, the log file.
*/

/** Every value of every text column of every table of the test database. */
export async function databaseText() {
  const database = db.connection().getReadClient().client.config.connection.database
  const columns = await db
    .from('information_schema.columns')
    .where('table_schema', database)
    .whereIn('data_type', ['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'json'])
    .select('table_name as tableName', 'column_name as columnName')
  const values: string[] = []
  for (const { tableName, columnName } of columns) {
    const rows = await db.from(tableName).whereNotNull(columnName).select(columnName)
    for (const row of rows) values.push(`${tableName}.${columnName}: ${row[columnName]}`)
  }
  return values
}

/** Every key and value in Redis (sessions with their flash, queued jobs, limits). */
export async function redisText() {
  const values: string[] = []
  for (const key of await redis.keys('*')) {
    const type = await redis.type(key)
    let value: unknown
    if (type === 'string') value = await redis.get(key)
    else if (type === 'hash') value = await redis.hgetall(key)
    else if (type === 'list') value = await redis.lrange(key, 0, -1)
    else if (type === 'set') value = await redis.smembers(key)
    else if (type === 'zset') value = await redis.zrange(key, 0, -1)
    else if (type === 'stream') value = await redis.xrange(key, '-', '+')
    values.push(`${key}: ${JSON.stringify(value)}`)
  }
  return values
}

const logPath = () => app.makePath(env.get('LOG_FILE', 'tmp/test.log'))

/** Where the log file ends now: `logTextSince` reads what was written after. */
export async function logOffset() {
  try {
    return (await stat(logPath())).size
  } catch {
    return 0
  }
}

/** The log file from `offset` on (the file is shared by parallel test runs: read only ours). */
export async function logTextSince(offset: number) {
  try {
    const file = await open(logPath())
    try {
      const { size } = await file.stat()
      const buffer = Buffer.alloc(Math.max(0, size - offset))
      await file.read(buffer, 0, buffer.length, offset)
      return buffer.toString('utf8')
    } finally {
      await file.close()
    }
  } catch {
    return ''
  }
}

/**
 * The texts in which `digits` appear as a full card number once separators and
 * `\u` escapes are taken out — what a reader could still copy out of them.
 */
export function holdingDigits(texts: string[], digits: string) {
  return texts.filter((text) =>
    text
      .replace(/\\\\?u00([0-9a-f]{2})/gi, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16)))
      .replace(/[０-９]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xff10 + 48))
      .replace(/[^0-9]/g, '')
      .includes(digits)
  )
}

/**
 * The log file from `offset` on, once everything logged before this call is in it: the file
 * target writes from its own thread, so a marker line is logged and waited for (up to 30 s on
 * a loaded machine). Fails when the log file is not written at all — a check of the log must
 * not pass because there is no log.
 */
export async function logTextFlushed(offset: number) {
  const { default: logger } = await import('@adonisjs/core/services/logger')
  const marker = `log-flushed-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
  logger.info(marker)
  for (let i = 0; i < 300; i++) {
    const text = await logTextSince(offset)
    if (text.includes(marker)) return text
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`the log file ${logPath()} did not receive the marker line within 30 s`)
}
