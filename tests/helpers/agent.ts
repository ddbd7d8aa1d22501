import env from '#start/env'

export type AgentResponse = {
  status: number
  headers: Headers
  text: string
  location: string | null
}

/**
 * A browser-like HTTP client for functional tests: keeps cookies, takes the
 * CSRF token from a real page, follows nothing unless asked. It drives the real
 * server with the real Redis session store, as a browser would.
 */
export class Agent {
  readonly jar = new Map<string, string>()
  readonly baseUrl: string

  /** `baseUrl`: another web process than the suite's in-process server. */
  constructor(
    readonly defaultHeaders: Record<string, string> = {},
    baseUrl?: string
  ) {
    this.baseUrl = baseUrl ?? `http://${env.get('HOST')}:${env.get('PORT')}`
  }

  async request(
    method: string,
    path: string,
    options: {
      form?: Record<string, unknown>
      headers?: Record<string, string>
      json?: unknown
    } = {}
  ): Promise<AgentResponse> {
    const headers: Record<string, string> = { ...this.defaultHeaders, ...options.headers }
    if (this.jar.size)
      headers.cookie = [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ')
    let body: string | undefined
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      const params = new URLSearchParams()
      for (const [key, value] of Object.entries(options.form)) {
        if (value === undefined || value === null) continue
        for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item))
      }
      body = params.toString()
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(options.json)
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body, redirect: 'manual' })
    for (const cookie of response.headers.getSetCookie()) this.#store(cookie)
    return {
      status: response.status,
      headers: response.headers,
      text: await response.text(),
      location: response.headers.get('location'),
    }
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.request('GET', path, { headers })
  }

  /** Follows redirects like a browser (GET after a 302). */
  async follow(response: AgentResponse, max = 5): Promise<AgentResponse> {
    let current = response
    for (
      let i = 0;
      i < max && current.location && current.status >= 300 && current.status < 400;
      i++
    ) {
      current = await this.get(current.location.replace(this.baseUrl, ''))
    }
    return current
  }

  /** A CSRF token valid for this agent's session, read from a real page. */
  async csrf(fromPath = '/impressum') {
    const page = await this.get(fromPath)
    const match = page.text.match(/name=['"]_csrf['"] value=['"]([^'"]+)['"]/)
    if (!match) throw new Error(`No CSRF field on ${fromPath} (status ${page.status})`)
    return match[1]
  }

  /** POST a form with a valid CSRF token (taken from `csrfFrom`, default a public page). */
  async post(
    path: string,
    form: Record<string, unknown> = {},
    options: { csrfFrom?: string; headers?: Record<string, string> } = {}
  ) {
    const token = await this.csrf(options.csrfFrom)
    return this.request('POST', path, { form: { ...form, _csrf: token }, headers: options.headers })
  }

  /** POST without any CSRF token. */
  postWithoutCsrf(path: string, form: Record<string, unknown> = {}) {
    return this.request('POST', path, { form })
  }

  cookie(name: string) {
    return this.jar.get(name)
  }

  #store(setCookie: string) {
    const [pair, ...attributes] = setCookie.split(';')
    const index = pair.indexOf('=')
    const name = pair.slice(0, index).trim()
    const value = pair.slice(index + 1).trim()
    const expired = attributes.some((attr) => {
      const [key, val] = attr.trim().split('=')
      if (key.toLowerCase() === 'max-age') return Number(val) <= 0
      if (key.toLowerCase() === 'expires') return new Date(val).getTime() < Date.now()
      return false
    })
    if (expired || value === '') this.jar.delete(name)
    else this.jar.set(name, value)
  }
}
