/* A web process dies under ingest load. */
import { sleep } from '../../../bin/lib/local_services.js'
import { API, assert, type Check } from '../context.js'

const TOTAL = 20_000
const BATCH = 200
const SENDERS = 4

export const failoverChecks: Check[] = [
  {
    name: 'SIGKILL to a web process under ingest load loses no transaction',
    async run(context) {
      const { terminals } = context
      const prefix = `KILL-${process.pid}-`
      const batches = Array.from({ length: TOTAL / BATCH }, (_batch, b) =>
        Array.from({ length: BATCH }, (_, i) =>
          context.item(terminals[i % terminals.length], `${prefix}${b * BATCH + i}`)
        )
      )
      const victim = context.cluster.webs[1]
      const killAt = Math.floor(batches.length / 4)
      const client = context.viaNginx()
      let next = 0
      let retries = 0
      /* each sender takes the next batch and sends it until it is answered 200 (idempotent) */
      const sender = async () => {
        while (next < batches.length) {
          const index = next++
          if (index === killAt) victim.process.kill()
          for (let attempt = 1; ; attempt++) {
            const answer = await context.postBatch(client, batches[index]).catch(() => null)
            if (answer?.status === 200) break
            assert(attempt < 20, `batch ${index} failed 20 times: ${answer?.status}`)
            retries++
            await sleep(200)
          }
        }
      }
      await Promise.all(Array.from({ length: SENDERS }, sender))
      await victim.process.exited

      const [stored] = await context.rows<{ n: number }>(
        'SELECT COUNT(*) AS n FROM transactions WHERE reference LIKE ?',
        [`${prefix}%`]
      )
      assert(Number(stored.n) === TOTAL, `${stored.n} of ${TOTAL} stored`)
      const servedByVictim = context.nginx
        .accessLog()
        .filter(
          (line) =>
            line.includes(`"POST ${API}`) && line.includes(`upstream=127.0.0.1:${victim.port}`)
        ).length
      assert(servedByVictim > 0, 'the killed process never served an ingest call')
      const total = TOTAL.toLocaleString('en')
      return `${total} of ${total} stored; :${victim.port} killed at batch ${killAt} of ${batches.length}, ${retries} client retries`
    },
  },
]
