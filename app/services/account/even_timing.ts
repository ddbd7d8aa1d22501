import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Runs `work` and answers no sooner than `floorMs` after the start, so the
 * response time of register/forgot/link-customer does not tell which branch ran.
 */
export async function withTimingFloor<T>(floorMs: number, work: () => Promise<T>): Promise<T> {
  const started = performance.now()
  try {
    return await work()
  } finally {
    const left = floorMs - (performance.now() - started)
    if (left > 0) await sleep(left + Math.random() * 20)
  }
}
