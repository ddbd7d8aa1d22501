import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'

/**
 * True while the process runs. A zombie (ended, not yet reaped: here PID 1
 * does not reap orphans) counts as gone, which `kill(pid, 0)` cannot tell.
 */
export function isAlive(pid: number) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

/** Pids of every live descendant of a process (children, grandchildren, …). */
export async function descendantsOf(rootPid: number): Promise<number[]> {
  const { stdout } = await promisify(execFile)('ps', ['-eo', 'pid=,ppid='])
  const children = new Map<number, number[]>()
  for (const line of stdout.trim().split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number)
    children.set(ppid, [...(children.get(ppid) ?? []), pid])
  }
  const found: number[] = []
  const stack = [rootPid]
  while (stack.length) {
    for (const pid of children.get(stack.pop()!) ?? []) {
      found.push(pid)
      stack.push(pid)
    }
  }
  return found.filter(isAlive)
}

/** The command line of a process, for messages ('' once it is gone). */
export function commandOf(pid: number) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()
  } catch {
    return ''
  }
}
