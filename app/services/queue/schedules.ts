import type { JobsOptions, Queue, RepeatOptions } from 'bullmq'

type Template = { name: string; data: Record<string, unknown>; opts: JobsOptions }

/**
 * Registers a schedule at worker start, once per id, without throwing away a run
 * that is due. BullMQ's `upsertJobScheduler` replaces the schedule's waiting job
 * with the next one from now on — so a run that came due while no worker was
 * running (the 03:00 invoice run during a reboot) would be skipped by the very
 * worker that starts to take it. So a schedule that exists with the same timing
 * and options, and whose job is still there, is left as it is.
 */
export async function keepSchedule(
  queue: Queue,
  id: string,
  repeat: Pick<RepeatOptions, 'pattern' | 'tz' | 'every'>,
  template: Template
) {
  const existing = await queue.getJobScheduler(id)
  if (existing && sameTiming(existing, repeat) && sameTemplate(existing, template)) {
    const job = existing.next ? await queue.getJob(`repeat:${id}:${existing.next}`) : undefined
    if (job) return 'kept' as const
  }
  await queue.upsertJobScheduler(id, repeat, template)
  return 'registered' as const
}

function sameTiming(
  existing: { pattern?: string | null; tz?: string | null; every?: number | string | null },
  repeat: Pick<RepeatOptions, 'pattern' | 'tz' | 'every'>
) {
  return (
    (existing.pattern ?? undefined) === repeat.pattern &&
    (existing.tz ?? undefined) === repeat.tz &&
    (existing.every === undefined || existing.every === null
      ? undefined
      : Number(existing.every)) === repeat.every
  )
}

function sameTemplate(
  existing: { name: string; template?: { data?: unknown; opts?: Record<string, unknown> } },
  template: Template
) {
  if (existing.name !== template.name || !existing.template) return false
  const opts = existing.template.opts ?? {}
  return (
    stable(existing.template.data ?? {}) === stable(template.data) &&
    Object.entries(template.opts).every(([key, value]) => stable(opts[key]) === stable(value))
  )
}

/** JSON with object keys sorted: Redis hands the options back in another order. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b))
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${stable(inner)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'undefined'
}
