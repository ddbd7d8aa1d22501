import { test } from '@japa/runner'
import User from '#models/user'
import AuditEvent from '#models/audit_event'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { createMerchant, loginAs, mailTo } from '#tests/helpers/auth'

async function wrongLogin(email: string, password = 'das-ist-falsch-123') {
  return new Agent().post('/login', { email, password }, { csrfFrom: '/login' })
}

test.group('Sperre nach Fehlversuchen', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('10 failures lock the account, mail the owner and end the open session', async ({
    assert,
  }) => {
    const { user, password } = await createMerchant()
    const open = new Agent()
    await loginAs(open, user.email, password)
    assert.equal((await open.get('/')).status, 200)

    for (let i = 1; i <= 9; i++) assert.equal((await wrongLogin(user.email)).location, '/login')
    await user.refresh()
    assert.equal(user.state, 'active')
    assert.equal(user.failedLoginCount, 9)

    await wrongLogin(user.email)
    await user.refresh()
    assert.equal(user.state, 'locked')
    assert.equal(user.lockReason, 'failed_logins')

    const mail = await mailTo(user.email, 'gesperrt')
    assert.include(mail.parsed.text ?? '', '/forgot-password')
    assert.include(mail.parsed.text ?? '', '/contact?category=account_locked')
    assert.include(mail.parsed.text ?? '', 'Passwort vergessen')

    const next = await open.get('/')
    assert.equal(next.status, 302)
    assert.match(next.location ?? '', /^\/login/)

    const withRightPassword = await wrongLogin(user.email, password)
    assert.notEqual(withRightPassword.location, '/')
    const locked = await AuditEvent.query().where('action', 'account.locked').firstOrFail()
    assert.equal(locked.subjectUserId, user.id)
  })

  test('a success in between restarts the count', async ({ assert }) => {
    const { user, password } = await createMerchant()
    for (let i = 0; i < 6; i++) await wrongLogin(user.email)
    await loginAs(new Agent(), user.email, password)
    for (let i = 0; i < 6; i++) await wrongLogin(user.email)
    await user.refresh()
    assert.equal(user.state, 'active')
    assert.equal(user.failedLoginCount, 6)
  })

  test('an open session of a user disabled or locked by support ends on its next request', async ({
    assert,
  }) => {
    const disabled = await createMerchant()
    const agent = new Agent()
    await loginAs(agent, disabled.user.email, disabled.password)
    await User.query().where('id', disabled.user.id).update({ state: 'disabled' })
    assert.match((await agent.get('/')).location ?? '', /^\/login/)
    assert.match((await agent.get('/')).location ?? '', /^\/login/, 'stays logged out')
  })

  test('after 10 failures the account answers 429 with a German message; English too', async ({
    assert,
  }) => {
    const { user } = await createMerchant()
    for (let i = 0; i < 10; i++) await wrongLogin(user.email)
    const blocked = await wrongLogin(user.email)
    assert.equal(blocked.status, 429)
    assert.include(blocked.text, 'Zu viele Versuche')
    /* a page of the portal (language, title, layout), not one line of text */
    assert.include(blocked.headers.get('content-type') ?? '', 'text/html')
    assert.match(blocked.text, /<html lang="de"/)
    assert.match(blocked.text, /<title>[^<]+<\/title>/)
    assert.include(blocked.text, '<main')
    assert.isNotNull(blocked.headers.get('retry-after'))
    const english = new Agent({ 'accept-language': 'en' })
    const response = await english.post(
      '/login',
      { email: user.email, password: 'x'.repeat(12) },
      { csrfFrom: '/login' }
    )
    assert.equal(response.status, 429)
    assert.include(response.text, 'Too many attempts')
    assert.match(response.text, /<html lang="en"/)
  })

  test('failures from one IP across many accounts are throttled', async ({ assert }) => {
    const statuses: number[] = []
    for (let i = 0; i < 51; i++) {
      statuses.push((await wrongLogin(`probe${i}@example.com`)).status)
    }
    assert.deepEqual(statuses.slice(0, 50), Array(50).fill(302))
    assert.equal(statuses[50], 429)
  }).timeout(120_000)

  test('more than 150 login attempts a minute from one IP get 429, also with the right password', async ({
    assert,
  }) => {
    const { user, password } = await createMerchant()
    const statuses: number[] = []
    let next = 0
    /* 5 side by side: 150 real logins (each its own visitor) take a few seconds */
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        while (next < 150) {
          next++
          statuses.push((await loginAs(new Agent(), user.email, password)).status)
        }
      })
    )
    assert.deepEqual(statuses, Array(150).fill(302))
    const refused = await new Agent().post(
      '/login',
      { email: user.email, password },
      { csrfFrom: '/login' }
    )
    assert.equal(refused.status, 429)
    assert.include(refused.text, 'Zu viele Versuche')
    /* not a login: no session, no audit event for it */
    const logins = await AuditEvent.query()
      .where('subject_user_id', user.id)
      .where('action', 'login.succeeded')
    assert.lengthOf(logins, 150)
  }).timeout(120_000)
})
