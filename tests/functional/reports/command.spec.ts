import { test } from '@japa/runner'
import ace from '@adonisjs/core/services/ace'
import { getQueue } from '#services/queue/queues'
import { sendReportsJob } from '#jobs/send_reports'

/* the operator's catch-up: `node ace reports:send --at …` (docs/reports.md) */
test.group('Reports / node ace reports:send', () => {
  test('queues the run for the given time; a malformed time is refused', async ({ assert }) => {
    const queue = getQueue(sendReportsJob.queue)
    const at = '2026-06-02T06:00:00+02:00'
    const command = await ace.exec('reports:send', ['--at', at])
    assert.equal(command.exitCode, 0)
    const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed'])
    const queued = jobs.find((job) => job?.name === sendReportsJob.name && job.data?.at === at)
    assert.exists(queued, 'a report run for that time is queued')
    await queued!.remove().catch(() => {})

    const refused = await ace.exec('reports:send', ['--at', 'yesterday'])
    assert.equal(refused.exitCode, 1)
  })
})
