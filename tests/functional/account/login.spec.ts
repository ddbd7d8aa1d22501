import { test } from '@japa/runner'
import User from '#models/user'
import AuditEvent from '#models/audit_event'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'

/** The login page as a user sees it after a failed attempt, minus per-request tokens. */
function comparable(html: string) {
  return html
    .replace(/name=['"]_csrf['"] value=['"][^'"]*['"]/g, 'name="_csrf" value=""')
    .replace(/nonce="[^"]*"/g, 'nonce=""')
    .replace(/content="[A-Za-z0-9+/=_-]{16,}"/g, 'content=""')
    .replace(/id="email" name="email"([^>]*?)value="[^"]*"/g, 'id="email" name="email"$1value=""')
}

async function failedLogin(email: string, password: string) {
  const agent = new Agent()
  const response = await agent.post('/login', { email, password }, { csrfFrom: '/login' })
  const page = await agent.follow(response)
  return { status: response.status, location: response.location, page }
}

test.group('Anmelden', (group) => {
  group.each.setup(() => resetState())

  test('a merchant logs in, lands on the dashboard, and logs out by POST', async ({ assert }) => {
    const { user, password } = await createMerchant()
    const agent = new Agent()
    const before = (await agent.get('/login')).status
    assert.equal(before, 200)
    const cookieBefore = agent.cookie('kp_session')

    const response = await loginAs(agent, user.email, password)
    assert.equal(response.location, '/')
    assert.notEqual(agent.cookie('kp_session'), cookieBefore, 'session id renewed at login')

    const dashboard = await agent.get('/')
    assert.equal(dashboard.status, 200)
    assert.equal(dashboard.headers.get('cache-control'), 'no-store')

    assert.isAtLeast((await agent.get('/logout')).status, 400, 'logout is POST only')
    assert.equal((await agent.get('/')).status, 200)
    const out = await agent.post('/logout', {}, { csrfFrom: '/' })
    assert.equal(out.location, '/login?logged_out=1')
    assert.include((await agent.follow(out)).text, 'Sie wurden abgemeldet.')
    assert.match((await agent.get('/')).location ?? '', /^\/login/)

    const audit = await AuditEvent.query().where('action', 'login.succeeded').firstOrFail()
    assert.equal(audit.subjectUserId, user.id)
  })

  test('the login page offers the ways out', async ({ assert }) => {
    const page = await new Agent().get('/login')
    assert.include(page.text, 'href="/forgot-password">Passwort vergessen</a>')
    assert.include(page.text, 'href="/register">Registrieren</a>')
    assert.include(
      page.text,
      'href="/contact?category=account_locked">Zugang gesperrt? Jetzt kontaktieren</a>'
    )
    assert.include(page.text, '<label for="email">')
    assert.include(page.text, '<label for="password">')
  })

  test('unknown e-mail, wrong password, locked, disabled and unverified get the same answer', async ({
    assert,
  }) => {
    const active = await createMerchant()
    const locked = await createMerchant({ state: 'locked' })
    const disabled = await createMerchant({ state: 'disabled' })
    const unverified = await createMerchant({ state: 'pending_verification' })
    const pending = await createMerchant({ state: 'pending_approval' })

    const answers = [
      await failedLogin('niemand@example.com', active.password),
      await failedLogin(active.user.email, 'falsches-Passwort-123'),
      await failedLogin(locked.user.email, locked.password),
      await failedLogin(disabled.user.email, disabled.password),
      await failedLogin(unverified.user.email, unverified.password),
      await failedLogin(pending.user.email, pending.password),
    ]
    const [first, ...rest] = answers
    assert.equal(first.status, 302)
    assert.equal(first.location, '/login')
    assert.include(first.page.text, 'E-Mail-Adresse oder Passwort ist nicht korrekt')
    for (const other of rest) {
      assert.equal(other.status, first.status)
      assert.equal(other.location, first.location)
      assert.equal(other.page.status, first.page.status)
      assert.equal(comparable(other.page.text), comparable(first.page.text))
    }
    assert.lengthOf(await AuditEvent.query().where('action', 'login.failed'), 6)
  })

  test('?redirect=//evil.example after login stays on the portal', async ({ assert }) => {
    const { user, password } = await createMerchant()
    for (const evil of ['//evil.example', 'https://evil.example/', '/\\evil.example']) {
      const agent = new Agent()
      const page = await agent.get(`/login?redirect=${encodeURIComponent(evil)}`)
      assert.notMatch(page.text, /name="redirect"/)
      const response = await loginAs(agent, user.email, password, evil)
      assert.equal(response.location, '/')
    }
    const agent = new Agent()
    const response = await loginAs(agent, user.email, password, '/invoices?year=2026')
    assert.equal(response.location, '/invoices?year=2026')
  })

  test('an internal target survives a failed attempt', async ({ assert }) => {
    const { user, password } = await createMerchant()
    const agent = new Agent()
    const failed = await agent.post(
      '/login',
      { email: user.email, password: 'wrong-wrong-wrong', redirect: '/transactions' },
      { csrfFrom: '/login' }
    )
    assert.equal(failed.location, '/login?redirect=%2Ftransactions')
    const response = await loginAs(agent, user.email, password, '/transactions')
    assert.equal(response.location, '/transactions')
  })

  test('a login without CSRF token changes nothing', async ({ assert }) => {
    const { user, password } = await createMerchant()
    const agent = new Agent()
    await agent.get('/login')
    const response = await agent.postWithoutCsrf('/login', { email: user.email, password })
    assert.equal(response.status, 302)
    assert.match((await agent.get('/')).location ?? '', /^\/login/)
    const logins = await AuditEvent.query()
      .where('subject_user_id', user.id)
      .where('action', 'login.succeeded')
    assert.lengthOf(logins, 0)
  })

  test('e-mail is matched case- and space-insensitively', async ({ assert }) => {
    const { user, password } = await createMerchant({ email: 'chef@laden.example' })
    const response = await loginAs(new Agent(), '  Chef@Laden.EXAMPLE ', password)
    assert.equal(response.location, '/')
    const logins = await AuditEvent.query()
      .where('subject_user_id', user.id)
      .where('action', 'login.succeeded')
    assert.lengthOf(logins, 1)
    assert.equal((await User.findByOrFail('email', 'chef@laden.example')).failedLoginCount, 0)
  })
})
