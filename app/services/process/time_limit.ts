/**
 * Waits for `promise`, but no longer than `ms`: resolves with its value, or
 * with `undefined` when the time is up. Shutdown steps use it, since a step that
 * talks to an unreachable Redis or a hung Chromium may never settle.
 */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeUp = new Promise<undefined>(
    (resolve) => (timer = setTimeout(() => resolve(undefined), ms))
  )
  try {
    return await Promise.race([promise, timeUp])
  } finally {
    clearTimeout(timer)
  }
}
