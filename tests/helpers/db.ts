import env from '#start/env'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import { getQueue, QUEUE_NAMES } from '#services/queue/queues'

const TABLES = [
  'report_deliveries',
  'report_subscriptions',
  'data_exports',
  'erasure_requests',
  'document_reads',
  'documents',
  'master_data_locks',
  'change_requests',
  'saved_replies',
  'money_alerts',
  'payout_fees',
  'payout_closings',
  'payouts',
  'closing_totals',
  'closings',
  'invoice_lines',
  'invoice_run_items',
  'invoices',
  'invoice_runs',
  'invoice_number_sequences',
  'ticket_messages',
  'tickets',
  'audit_events',
  'one_time_tokens',
  'api_tokens',
  'transaction_totals',
  'transaction_totals_pending',
  'transactions',
  'access_requests',
  'invitations',
  'activation_codes',
  'customer_user',
  'terminals',
  'customers',
  'users',
  'staff_users',
]

/** Empties every table and the test rate-limit keys, so tests never depend on order. */
export async function resetState() {
  /* one connection for all statements: FOREIGN_KEY_CHECKS is per connection */
  await db.transaction(async (trx) => {
    await trx.rawQuery('SET FOREIGN_KEY_CHECKS=0')
    for (const table of TABLES) await trx.rawQuery(`TRUNCATE TABLE \`${table}\``)
    await trx.rawQuery('SET FOREIGN_KEY_CHECKS=1')
  })
  const keys = await redis.keys(`${env.get('QUEUE_PREFIX', 'kp-test')}:rl*`)
  if (keys.length) await redis.del(...keys)
  /* ids restart after TRUNCATE: forget which sessions belonged to the old users */
  const tags = await redis.keys(`session_tag:${env.get('QUEUE_PREFIX', 'kp-test')}:*`)
  if (tags.length) await redis.del(...tags)
  /* the same: one-delivery mails (PortalMail.once) are remembered by keys made of ids */
  await getQueue('mail').clean(0, 100_000, 'completed')
  /* failed jobs of an earlier test (kept 90 days, as in production) would show on the admin
     dashboard and job pages of the next one */
  for (const name of QUEUE_NAMES) await getQueue(name).clean(0, 100_000, 'failed')
}
