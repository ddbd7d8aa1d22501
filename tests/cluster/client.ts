/*
| A browser-like client for the cluster test and benchmark, on node:http(s):
| cookies, the CSRF token of a real page, a chosen loopback source address
| (nginx sees 127.0.0.2, 127.0.0.3, … as different clients) and Server-Sent
| Event streams. fetch cannot bind a source address, hence node:http.
*/
import http from 'node:http'
import https from 'node:https'
import { randomUUID } from 'node:crypto'

export type Answer = { status: number; headers: http.IncomingHttpHeaders; text: string }
export type LiveEvent = { channel: string; payload: any; at: number }

type RequestOptions = {
  method?: string
  form?: Record<string, string>
  json?: unknown
  body?: Buffer | string
  headers?: Record<string, string>
}

export class Client {
  readonly jar = new Map<string, string>()
  readonly agent: http.Agent
  readonly url: URL

  /**
   * `baseUrl`: nginx (https://localhost:PORT) or a web process (http://127.0.0.1:PORT);
   * `ca`: the certificate to trust for https; `localAddress`: the source address.
   */
  constructor(
    baseUrl: string,
    readonly options: { ca?: string; localAddress?: string } = {}
  ) {
    this.url = new URL(baseUrl)
    const agentOptions = { keepAlive: true, localAddress: options.localAddress, ca: options.ca }
    this.agent =
      this.url.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions)
  }

  /** Another client with the same cookies (the same browser session) at another address. */
  sameSessionAt(baseUrl: string, localAddress = this.options.localAddress) {
    const other = new Client(baseUrl, { ...this.options, localAddress })
    for (const [name, value] of this.jar) other.jar.set(name, value)
    return other
  }

  get cookieHeader() {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  request(path: string, options: RequestOptions = {}): Promise<Answer> {
    const headers: Record<string, string | number> = { ...options.headers }
    if (this.jar.size) headers.cookie = this.cookieHeader
    let body: Buffer | undefined
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = Buffer.from(new URLSearchParams(options.form).toString())
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = Buffer.from(JSON.stringify(options.json))
    } else if (options.body !== undefined) {
      body = Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body)
    }
    if (body) headers['content-length'] = body.length
    const transport = this.url.protocol === 'https:' ? https : http
    return new Promise((resolve, reject) => {
      const request = transport.request(
        new URL(path, this.url),
        {
          method: options.method ?? (body ? 'POST' : 'GET'),
          headers,
          agent: this.agent,
        },
        (response) => {
          this.#store(response.headers['set-cookie'])
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              text: Buffer.concat(chunks).toString(),
            })
          )
          response.on('error', reject)
        }
      )
      request.on('error', reject)
      request.end(body)
    })
  }

  /** A CSRF token valid for this session, read from a real page. */
  async csrf(path = '/impressum') {
    const page = await this.request(path)
    const match = page.text.match(/name=['"]_csrf['"] value=['"]([^'"]+)['"]/)
    if (!match) throw new Error(`no CSRF field on ${path} (status ${page.status})`)
    return match[1]
  }

  /** The login form, as a browser sends it. Resolves with the POST's answer (302 on success). */
  async login(email: string, password: string, headers: Record<string, string> = {}) {
    const token = await this.csrf('/login')
    return this.request('/login', { form: { email, password, _csrf: token }, headers })
  }

  /** Opens a live stream (GET /__transmit/events) with this session; resolves once it is open. */
  openStream(): Promise<LiveStream> {
    const stream = new LiveStream(this)
    return stream.open().then(() => stream)
  }

  /** Subscribes a stream to a channel, as the page's script does (`token`: a CSRF token to reuse). */
  async subscribe(uid: string, channel: string, token?: string) {
    token ??= await this.csrf()
    return this.request('/__transmit/subscribe', {
      json: { uid, channel },
      headers: { 'x-csrf-token': token },
    })
  }

  close() {
    this.agent.destroy()
  }

  #store(setCookies: string[] | undefined) {
    for (const cookie of setCookies ?? []) {
      const [pair, ...attributes] = cookie.split(';')
      const index = pair.indexOf('=')
      const name = pair.slice(0, index).trim()
      const value = pair.slice(index + 1).trim()
      const expired = attributes.some((attribute) => /^\s*max-age=(0|-)/i.test(attribute))
      if (expired || value === '') this.jar.delete(name)
      else this.jar.set(name, value)
    }
  }
}

/** One Server-Sent Events stream on its own connection; keeps every event with its arrival time. */
export class LiveStream {
  readonly uid = randomUUID()
  readonly events: LiveEvent[] = []
  onEvent?: (event: LiveEvent) => void
  #request?: http.ClientRequest
  #waiters = new Set<() => void>()

  constructor(readonly client: Client) {}

  open() {
    const { url, options } = this.client
    const transport = url.protocol === 'https:' ? https : http
    return new Promise<void>((resolve, reject) => {
      this.#request = transport.request(
        new URL(`/__transmit/events?uid=${this.uid}`, url),
        {
          headers: { accept: 'text/event-stream', cookie: this.client.cookieHeader },
          /* a connection of its own, like a browser tab's stream */
          agent: false,
          ca: options.ca,
          localAddress: options.localAddress,
        },
        (response) => {
          if (response.statusCode !== 200) {
            response.resume()
            reject(new Error(`live stream answered ${response.statusCode}`))
            return
          }
          response.setEncoding('utf8')
          let buffer = ''
          response.on('data', (chunk: string) => {
            buffer += chunk
            let end
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              this.#parse(buffer.slice(0, end))
              buffer = buffer.slice(end + 2)
            }
          })
          response.on('error', () => {})
          resolve()
        }
      )
      this.#request.on('error', reject)
      this.#request.end()
    })
  }

  #parse(frame: string) {
    const data = frame
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice(6))
      .join('\n')
    if (!data) return
    const message = JSON.parse(data)
    if (message.channel === '$$transmit/ping') return
    const event = { ...message, at: performance.now() }
    this.events.push(event)
    this.onEvent?.(event)
    for (const wake of this.#waiters) wake()
  }

  /** The first event matching `predicate`, or null after `timeoutMs`. */
  async waitFor(predicate: (event: LiveEvent) => boolean, timeoutMs: number) {
    const until = performance.now() + timeoutMs
    for (;;) {
      const found = this.events.find(predicate)
      if (found) return found
      const left = until - performance.now()
      if (left <= 0) return null
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiters.delete(wake)
          clearTimeout(timer)
          resolve()
        }
        const timer = setTimeout(wake, left)
        this.#waiters.add(wake)
      })
    }
  }

  close() {
    this.#request?.destroy()
  }
}
