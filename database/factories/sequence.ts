let counter = 0

/**
 * The next number for unique test data (e-mails, customer numbers, TIDs): a
 * counter of this process plus its pid, so that processes creating data in the
 * same database at the same time never collide.
 */
export function nextSequence() {
  return ++counter + (process.pid % 1000) * 10_000
}
