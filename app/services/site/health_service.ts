import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import logger from '@adonisjs/core/services/logger'

type Probe = { ok: boolean; ms: number }

/** Runs one check with a timeout; its error text goes to the log, never to the caller. */
async function probe(name: string, fn: () => Promise<unknown>, timeoutMs = 2000): Promise<Probe> {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
      }),
    ])
    return { ok: true, ms: Math.round(performance.now() - started) }
  } catch (error) {
    logger.error({ component: name, err: (error as Error).message }, 'health check failed')
    return { ok: false, ms: Math.round(performance.now() - started) }
  } finally {
    clearTimeout(timer)
  }
}

export const HealthService = {
  /**
   * Pings the database and Redis, each with a 2 s timeout. The report names
   * the failed components only; the reasons (host names, users) are logged.
   */
  async check() {
    const [database, redisProbe] = await Promise.all([
      probe('database', () => db.rawQuery('select 1')),
      probe('redis', () => redis.ping()),
    ])
    const checks = { database, redis: redisProbe }
    const failed = Object.entries(checks)
      .filter(([, result]) => !result.ok)
      .map(([name]) => name)
    return { healthy: failed.length === 0, failed, checks }
  },
}
