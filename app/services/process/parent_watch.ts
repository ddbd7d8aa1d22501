import { fstatSync } from 'node:fs'
import { Worker } from 'node:worker_threads'

/*
 * Runs in a thread of its own, so it notices the parent's death even while the
 * main thread is busy (loading the app takes seconds of CPU). Before the app is
 * ready there is nothing to finish: the process ends at once. After that, the
 * main thread gets `killAfterMs` to stop cleanly before the process is killed.
 */
const WATCHER = `
const { Socket } = require('node:net')
const { parentPort, workerData } = require('node:worker_threads')
const { ready, killAfterMs } = workerData
const stdin = new Socket({ fd: 0, readable: true, writable: false })
let gone = false
function onGone() {
  if (gone) return
  gone = true
  parentPort.postMessage('parent gone')
  const delay = Atomics.load(ready, 0) === 1 ? killAfterMs : 0
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), delay)
}
stdin.on('data', () => {})
stdin.on('end', onGone)
stdin.on('close', onGone)
stdin.on('error', onGone)
`

/**
 * Calls `onGone` once the parent process is gone. The parent (bin/demo.js)
 * gives the child a stdin pipe and never writes to it: the kernel closes the
 * pipe when the parent ends, however it ends (SIGKILL included), and the child
 * reads end-of-file. Returns `ready()`, to be called once the app has started,
 * or undefined when stdin is not a pipe (nothing to watch).
 */
export function watchParent(onGone: () => void, options: { killAfterMs: number }) {
  /* only a pipe from a parent says anything: /dev/null or a terminal would end at once or never */
  const stdin = fstatSync(0)
  if (!stdin.isFIFO() && !stdin.isSocket()) return undefined
  const ready = new Int32Array(new SharedArrayBuffer(4))
  const watcher = new Worker(WATCHER, {
    eval: true,
    execArgv: [],
    workerData: { ready, killAfterMs: options.killAfterMs },
  })
  watcher.on('message', () => {
    /* our output went to the parent: a write to the closed pipe must not crash the shutdown */
    process.stdout.on('error', () => {})
    process.stderr.on('error', () => {})
    onGone()
  })
  /* after the listener, which would ref it again: the watch never keeps the process alive */
  watcher.unref()
  return {
    ready() {
      Atomics.store(ready, 0, 1)
    },
  }
}
