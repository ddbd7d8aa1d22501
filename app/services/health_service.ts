import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'

type Probe = { ok: boolean; ms: number; error?: string }

async function probe(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<Probe> {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)
      }),
    ])
    return { ok: true, ms: Math.round(performance.now() - started) }
  } catch (error) {
    return {
      ok: false,
      ms: Math.round(performance.now() - started),
      error: (error as Error).message.slice(0, 120),
    }
  } finally {
    clearTimeout(timer)
  }
}

export const HealthService = {
  /** Pings the database and Redis, each with a 2 s timeout. */
  async check() {
    const [database, redisProbe] = await Promise.all([
      probe(() => db.rawQuery('select 1')),
      probe(() => redis.ping()),
    ])
    const checks = { database, redis: redisProbe }
    const failed = Object.entries(checks)
      .filter(([, result]) => !result.ok)
      .map(([name]) => name)
    return { healthy: failed.length === 0, failed, checks }
  },
}
