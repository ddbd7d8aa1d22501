/* Heavy reads go to the replica (DB_REPLICA_HOSTS). */
import { assert, type Check } from '../context.js'

export const replicaChecks: Check[] = [
  {
    name: 'the transaction list reads the replica: a new row shows once replicated',
    async run(context) {
      const { cluster, session } = context
      const replica = cluster.replica
      assert(replica, 'no replica')
      await cluster.replicaCaughtUp()
      const transaction = context.item(context.terminals[1])
      const list = `/transactions?q=${transaction.receipt_number}`
      let id: number
      /* with replication stopped, a row written on the primary cannot reach the replica */
      replica.sql('STOP SLAVE')
      try {
        const ingest = await context.postBatch(context.viaNginx(), [transaction])
        assert(ingest.status === 200, `ingest answered ${ingest.status}`)
        const [row] = await context.rows<{ id: number }>(
          'SELECT id FROM transactions WHERE reference = ?',
          [transaction.reference]
        )
        assert(row, 'the row is not on the primary')
        id = row.id
        const before = await session.request(list)
        assert(before.status === 200, `the list answered ${before.status}`)
        assert(
          !before.text.includes(`data-id="${id}"`),
          'the list shows the row while replication is stopped: it did not read the replica'
        )
      } finally {
        replica.sql('START SLAVE')
      }
      await cluster.replicaCaughtUp()
      const after = await session.request(list)
      assert(after.text.includes(`data-id="${id}"`), 'the row is missing after replication')
      return 'hidden while replication was stopped, listed after it caught up'
    },
  },
]
