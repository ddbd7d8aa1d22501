import User from '#models/user'
import Ticket from '#models/ticket'
import { getQueue, QUEUE_NAMES } from '#services/queue/queues'

async function count(query: { count: (column: string, alias: string) => any }) {
  const row = await query.count('*', 'total').first()
  return Number(row?.$extras.total ?? 0)
}

/** The numbers on the admin dashboard, each the size of a list an agent can open. */
export const DashboardService = {
  async summary() {
    const [openTickets, lockedUsers, pendingApproval] = await Promise.all([
      count(Ticket.query().where('status', 'open')),
      count(User.query().where('state', 'locked')),
      count(User.query().where('state', 'pending_approval')),
    ])
    const failedJobs: Record<string, number | null> = {}
    for (const name of QUEUE_NAMES) {
      try {
        failedJobs[name] = await getQueue(name).getFailedCount()
      } catch {
        /* Redis down: show "unknown" rather than fail the page */
        failedJobs[name] = null
      }
    }
    return { openTickets, lockedUsers, pendingApproval, failedJobs }
  },
}
