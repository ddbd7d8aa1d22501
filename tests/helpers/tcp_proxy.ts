import { createConnection, createServer, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy between a child process and one of the suite's services (Redis,
 * MariaDB). `cut()` makes the service unreachable for the child as a stopped
 * server would: open connections are reset and new ones refused. `freeze()`
 * makes it hang instead, as a stalled server or a lost network does:
 * connections stay open (new ones are accepted) but nothing answers.
 * `restore()` brings it back on the same port. The service itself (and its
 * data) is not touched, so the test can still look into it.
 */
export class TcpProxy {
  port = 0
  #frozen = false
  #server?: Server
  readonly #sockets = new Set<Socket>()

  constructor(
    readonly targetPort: number,
    readonly host = '127.0.0.1'
  ) {}

  async start() {
    const server = createServer((client) => {
      const upstream = createConnection({ host: this.host, port: this.targetPort })
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket)
        socket.on('close', () => this.#sockets.delete(socket))
        socket.on('error', () => {})
      }
      client.pipe(upstream).pipe(client)
      client.on('close', () => upstream.destroy())
      upstream.on('close', () => client.destroy())
      if (this.#frozen) {
        client.pause()
        upstream.pause()
      }
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, this.host, () => resolve())
    })
    const address = server.address()
    this.port = typeof address === 'object' && address ? address.port : this.port
    this.#server = server
    return this
  }

  /** The service is gone: connections reset, new ones refused. */
  async cut() {
    const server = this.#server
    this.#server = undefined
    for (const socket of this.#sockets) socket.resetAndDestroy()
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** The service hangs: nothing is passed on in either direction until restore(). */
  freeze() {
    this.#frozen = true
    for (const socket of this.#sockets) socket.pause()
  }

  /** The service is back on the same port. */
  async restore() {
    if (this.#frozen) {
      this.#frozen = false
      for (const socket of this.#sockets) socket.resume()
    }
    if (!this.#server) await this.start()
  }

  async stop() {
    await this.cut()
  }
}
