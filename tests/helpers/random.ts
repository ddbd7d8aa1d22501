/**
 * A deterministic pseudo-random generator (mulberry32) for tests that try many values: the
 * same seed gives the same values, so a failure can be reproduced, and it has no short cycle
 * (a multiplicative generator in plain JS numbers loses precision beyond 2^53 and repeats
 * after a few thousand values). Numbers in [0, 1).
 */
export function seededRandom(seed: number) {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}
