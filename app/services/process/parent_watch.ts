import { fstatSync } from 'node:fs'

/**
 * Calls `onGone` once the parent process is gone. The parent (bin/demo.js)
 * gives the child a stdin pipe and never writes to it: the kernel closes the
 * pipe when the parent ends, however it ends (SIGKILL included), and the child
 * reads end-of-file. The pipe does not keep the child alive on its own.
 */
export function watchParent(onGone: () => void) {
  /* only a pipe from a parent says anything: /dev/null or a terminal would end at once or never */
  const stdinStat = fstatSync(0)
  if (!stdinStat.isFIFO() && !stdinStat.isSocket()) return false
  const stdin = process.stdin
  let called = false
  const gone = () => {
    if (called) return
    called = true
    /* our output went to the parent: a write to the closed pipe must not crash the shutdown */
    process.stdout.on('error', () => {})
    process.stderr.on('error', () => {})
    onGone()
  }
  stdin.on('end', gone)
  stdin.on('close', gone)
  stdin.on('error', gone)
  /* a parent that writes after all: ignore it, keep reading until EOF */
  stdin.on('data', () => {})
  stdin.resume()
  if ('unref' in stdin && typeof stdin.unref === 'function') stdin.unref()
  return true
}
