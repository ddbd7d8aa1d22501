/*
| The floor for bench/cluster.ts: a bare node:http Server-Sent Events server fed
| by the same Redis channel as the portal's web processes (LiveFeed's batch
| messages), writing the same frames transmit writes. No session, no auth, no
| framework: every stream at /__transmit/events gets one customer's batches.
|
|   node --import=@poppinss/ts-exec bench/lib/bare_sse.ts PORT REDIS_PORT CHANNEL CUSTOMER_ID
*/
import http from 'node:http'
import { Redis } from 'ioredis'

const [port, redisPort, channel, customerId] = process.argv.slice(2)
const streams = new Set<http.ServerResponse>()
const customer = Number(customerId)
const transmitChannel = `customers/${customer}/transactions`

const redis = new Redis({ host: '127.0.0.1', port: Number(redisPort) })
await redis.subscribe(channel)
redis.on('message', (_channel: string, message: string) => {
  /* `<sender>\n[[customerId, transactions], …]`, as LiveFeed publishes it */
  const batch = JSON.parse(message.slice(message.indexOf('\n') + 1)) as [number, unknown[]][]
  for (const [id, transactions] of batch) {
    if (id !== customer) continue
    const frame = `data: ${JSON.stringify({ channel: transmitChannel, payload: { transactions } })}\n\n`
    for (const stream of streams) stream.write(frame)
  }
})

const server = http.createServer((request, response) => {
  if (!request.url?.startsWith('/__transmit/events')) {
    response.writeHead(404).end()
    return
  }
  request.socket.setNoDelay(true)
  request.socket.setTimeout(0)
  response.writeHead(200, {
    'Cache-Control': 'private, no-cache, no-store, must-revalidate, max-age=0, no-transform',
    'Content-Type': 'text/event-stream',
    'X-Accel-Buffering': 'no',
  })
  response.write(':ok\n\n')
  streams.add(response)
  request.on('close', () => streams.delete(response))
})
server.listen(Number(port), '127.0.0.1', () => console.log('listening'))
process.on('SIGTERM', () => {
  for (const stream of streams) stream.end()
  server.close()
  redis.disconnect()
})
