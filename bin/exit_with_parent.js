/*
| `node bin/exit_with_parent.js <program> [args…]`: runs a program that cannot
| watch its parent itself (redis-server) and ends it when the parent of this
| guard dies, however it dies: the parent gives the guard a stdin pipe and never
| writes to it, so the guard reads end-of-file once the parent is gone (SIGKILL
| included). SIGTERM/SIGINT to the guard are passed on. The guard exits with the
| program. Plain JavaScript: bin/demo.js uses it before the TypeScript loader.
*/
import { spawn } from 'node:child_process'

/* apps of the same parent get this long to finish with the program still there */
const ORPHAN_DELAY_MS = 1000
const KILL_AFTER_MS = 1500

const [command, ...args] = process.argv.slice(2)
if (!command) {
  process.stderr.write('usage: node bin/exit_with_parent.js <program> [args…]\n')
  process.exit(2)
}

const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] })
let stopping = false

function stop(delayMs) {
  if (stopping) return
  stopping = true
  setTimeout(() => {
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS).unref()
  }, delayMs).unref()
}

child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
child.on('error', (error) => {
  process.stderr.write(`${command}: ${error.message}\n`)
  process.exit(1)
})
process.on('SIGTERM', () => stop(0))
process.on('SIGINT', () => stop(0))
/* the parent's output pipes close with it: nothing to report to anymore */
process.stdout.on('error', () => {})
process.stderr.on('error', () => {})
process.stdin.on('end', () => stop(ORPHAN_DELAY_MS))
process.stdin.on('close', () => stop(ORPHAN_DELAY_MS))
process.stdin.on('error', () => stop(ORPHAN_DELAY_MS))
process.stdin.on('data', () => {})
process.stdin.resume()
