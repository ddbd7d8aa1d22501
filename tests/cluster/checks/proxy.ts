/* nginx in front: redirect, health, body size, and the client address it passes on. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Client } from '../client.js'
import { API, assert, type Check, type Context } from '../context.js'

/** 50 failed logins (unknown e-mails, each claiming another X-Forwarded-For). */
async function fiftyFailures(client: Client) {
  const csrf = await client.csrf('/login')
  for (let i = 0; i < 50; i++) {
    const answer = await client.request('/login', {
      form: {
        email: `nobody-${i}-${Date.now()}@example.com`,
        password: 'falsch-falsch-1',
        _csrf: csrf,
      },
      headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
    })
    assert(
      answer.status === 302 && answer.headers.location?.startsWith('/login'),
      `failed login ${i + 1} answered ${answer.status} ${answer.headers.location}`
    )
  }
}

const jsonBody = (context: Context) => ({
  'authorization': `Bearer ${context.token}`,
  'content-type': 'application/json',
})

export const proxyChecks: Check[] = [
  {
    name: 'nginx sends http to https and proxies to a healthy portal',
    async run(context) {
      const plain = await context.viaNginx().request('/login')
      assert(plain.status === 200, `https /login answered ${plain.status}`)
      const { http } = context.nginx.ports
      const redirect = await context.direct(http).request('/login')
      assert(redirect.status === 301, `http answered ${redirect.status}`)
      assert(
        redirect.headers.location === 'https://localhost/login',
        `redirect to ${redirect.headers.location}`
      )
      /* certbot's http-01 challenge is answered on port 80, not redirected */
      const challenge = join(context.nginx.dir, 'acme', '.well-known', 'acme-challenge')
      mkdirSync(challenge, { recursive: true, mode: 0o755 })
      writeFileSync(join(challenge, 'token-1'), 'token-1.key', { mode: 0o644 })
      const acme = await context.direct(http).request('/.well-known/acme-challenge/token-1')
      assert(acme.status === 200 && acme.text === 'token-1.key', `ACME answered ${acme.status}`)
      const health = await context.viaNginx().request('/health')
      assert(health.status === 200, `/health through nginx answered ${health.status}`)
      /* a mailed link's secret and a query string never reach the access log */
      const secret = `geheim${Date.now()}`
      await context.viaNginx().request(`/reset-password/${secret}`)
      await context.viaNginx().request(`/transactions?q=${secret}`)
      await new Promise((resolve) => setTimeout(resolve, 300))
      const log = context.nginx.accessLog()
      assert(
        log.some((line) => line.includes('"GET /reset-password/*** ')),
        'the reset link is not logged as /reset-password/***'
      )
      assert(!log.some((line) => line.includes(secret)), 'a secret reached the access log')
    },
  },
  {
    name: 'nginx passes a 2 MB ingest batch; the portal refuses a bigger one',
    async run(context) {
      const { terminals } = context
      const batch = Array.from({ length: 1000 }, (_, i) =>
        context.item(terminals[i % terminals.length])
      )
      const json = JSON.stringify(batch)
      const body = `{"transactions":${' '.repeat(1_950_000 - json.length)}${json}}`
      const answer = await context.viaNginx().request(API, { body, headers: jsonBody(context) })
      const size = `${(body.length / 1e6).toFixed(2)} MB`
      assert(answer.status === 200, `${size}: ${answer.status}`)
      const created = JSON.parse(answer.text).counts.created
      assert(created === 1000, `${size}: ${created} of 1,000 created`)
      const tooBig = await context.viaNginx().request(API, {
        body: `{"transactions":${' '.repeat(2_300_000)}[]}`,
        headers: jsonBody(context),
      })
      assert(
        tooBig.status === 413 && !tooBig.text.includes('<center>nginx'),
        `2.3 MB: ${tooBig.status} ${tooBig.text.slice(0, 100)}`
      )
      return `${size}: 1,000 created; 2.3 MB: 413 from the portal`
    },
  },
  {
    name: '50 failed logins from 127.0.0.2 through nginx stop 127.0.0.2, not 127.0.0.3',
    async run(context) {
      const { email, password } = context.merchant
      await fiftyFailures(context.viaNginx('127.0.0.2'))
      const b = await context.viaNginx('127.0.0.3').login(email, password)
      assert(b.status === 302 && b.headers.location === '/', `B's login answered ${b.status}`)
      const a = await context.viaNginx('127.0.0.2').login(email, password, {
        'x-forwarded-for': '203.0.113.9',
      })
      assert(a.status === 429, `A's correct login answered ${a.status}, expected 429`)
      return 'B logs in, A gets 429 (its forged X-Forwarded-For changed nothing)'
    },
  },
  {
    name: 'a forged X-Forwarded-For sent straight to a web process is ignored',
    async run(context) {
      const { email, password } = context.merchant
      const [first, second] = context.webPorts
      await fiftyFailures(context.direct(first, '127.0.0.4'))
      const forged = await context.direct(second, '127.0.0.4').login(email, password, {
        'x-forwarded-for': '203.0.113.10',
      })
      assert(forged.status === 429, `127.0.0.4 claiming 203.0.113.10 answered ${forged.status}`)
      const other = await context.direct(second, '127.0.0.5').login(email, password)
      assert(other.status === 302, `127.0.0.5 answered ${other.status}`)
      return '50 failures counted against 127.0.0.4 (not a trusted proxy), on both processes'
    },
  },
]
