import { test } from '@japa/runner'
import { connect, type Socket } from 'node:net'
import env from '#start/env'
import { transactionsChannel } from '#services/ingest/live_feed'
import { Agent } from '#tests/helpers/agent'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { resetState } from '#tests/helpers/db'
import { LiveClient } from '#tests/helpers/live_client'
import { TcpProxy } from '#tests/helpers/tcp_proxy'
import { WebProcess } from '#tests/helpers/web_process'

/** An agent (cookies, CSRF) talking to another process than the in-process test server. */
class AgentAt extends Agent {
  declare readonly baseUrl: string
  constructor(baseUrl: string) {
    super()
    Object.defineProperty(this, 'baseUrl', { value: baseUrl })
  }
}

/** A request whose body never finishes arriving: in flight until the server cuts it. */
function hangingRequest(baseUrl: string) {
  const { hostname, port } = new URL(baseUrl)
  const socket: Socket = connect({ host: hostname, port: Number(port) })
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  socket.on('error', () => {})
  socket.write(
    `POST /login HTTP/1.1\r\nHost: ${hostname}\r\n` +
      'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=a'
  )
  return { closed }
}

test.group('Web process: SIGTERM', (group) => {
  group.each.setup(() => resetState())

  test('with an open live stream, a request in flight and Redis gone, it exits within 15 s', async ({
    assert,
    cleanup,
  }) => {
    const redis = await new TcpProxy(env.get('REDIS_PORT')).start()
    const web = new WebProcess({
      REDIS_PORT: String(redis.port),
      LOG_FILE: 'tmp/test-web-shutdown.log',
    })
    cleanup(async () => {
      await web.stop(1000)
      await redis.stop()
    })
    await web.start()

    const { user, password, customers } = await createMerchant()
    const agent = new AgentAt(web.baseUrl)
    await loginAs(agent, user.email, password)
    const live = new LiveClient(agent)
    cleanup(() => live.close())
    await live.open()
    const subscribed = await live.subscribe(transactionsChannel(customers[0].id))
    assert.equal(subscribed.status, 204)
    const inFlight = hangingRequest(web.baseUrl)

    await redis.cut()
    const exitMs = await web.stop(30_000)
    process.stdout.write(`    (web process exited ${exitMs} ms after SIGTERM)\n`)
    assert.isBelow(exitMs, 15_000)
    await inFlight.closed
  }).timeout(90_000)
})
