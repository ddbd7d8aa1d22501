/* Sessions and live streams across the web processes. */
import { assert, type Check } from '../context.js'

export const sessionChecks: Check[] = [
  {
    name: 'a login through nginx works on every web process, the session on all',
    async run(context) {
      const { nginx, webPorts, merchant } = context
      const servedBy = new Set<number>()
      for (let attempt = 0; attempt < 8 && servedBy.size < webPorts.length; attempt++) {
        const browser = context.viaNginx()
        /* least_conn takes turns: an extra request moves the login to the other process */
        if (attempt % 2) await browser.request('/impressum')
        const answer = await browser.login(merchant.email, merchant.password)
        assert(
          answer.status === 302 && answer.headers.location === '/',
          `login answered ${answer.status} → ${answer.headers.location}`
        )
        const port = nginx.upstreamPortOf(/"POST \/login /)
        assert(port, 'no upstream logged for POST /login')
        servedBy.add(port)
        for (const other of webPorts) {
          const dashboard = await browser.sameSessionAt(`http://127.0.0.1:${other}`).request('/')
          assert(
            dashboard.status === 200 && dashboard.text.includes('data-figure="today-turnover"'),
            `logged in on :${port}, the dashboard on :${other} answered ${dashboard.status}`
          )
        }
        const throughNginx = await browser.request('/')
        assert(throughNginx.status === 200, `dashboard through nginx: ${throughNginx.status}`)
      }
      const ports = `:${[...servedBy].join(', :')}`
      assert(servedBy.size === webPorts.length, `logins only reached ${ports}`)
      return `logins served by ${ports}, each session valid on every process`
    },
  },
  {
    name: 'a live page through nginx gets a transaction ingested on the other process within 1 s',
    async run(context) {
      const { session, nginx } = context
      const stream = await session.openStream()
      try {
        const channel = `customers/${context.customerId}/transactions`
        const subscribed = await session.subscribe(stream.uid, channel)
        assert(subscribed.status < 300, `subscribe answered ${subscribed.status}`)
        /* nginx logs a request when it is finished, which can be just after the client has the answer */
        let streamPort = nginx.upstreamPortOf(/"POST \/__transmit\/subscribe /)
        for (let i = 0; i < 20 && !streamPort; i++) {
          await new Promise((resolve) => setTimeout(resolve, 50))
          streamPort = nginx.upstreamPortOf(/"POST \/__transmit\/subscribe /)
        }
        const other = context.webPorts.find((port) => port !== streamPort)
        assert(streamPort && other, `stream on ${streamPort}, no other web process`)
        const transaction = context.item(context.terminals[0])
        const sent = performance.now()
        const ingest = await context.postBatch(context.direct(other), [transaction])
        assert(ingest.status === 200, `ingest on :${other}: ${ingest.status} ${ingest.text}`)
        const event = await stream.waitFor(
          (message) =>
            message.payload?.transactions?.some(
              (entry: { reference: string }) => entry.reference === transaction.reference
            ),
          1000 - (performance.now() - sent)
        )
        assert(event, 'no live event within 1 s of the ingest call')
        const after = Math.round(event.at - sent)
        return `stream on :${streamPort}, ingest on :${other}, event after ${after} ms`
      } finally {
        stream.close()
      }
    },
  },
]
