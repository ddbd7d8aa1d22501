import { test } from '@japa/runner'
import StaffUser from '#models/staff_user'
import AuditEvent from '#models/audit_event'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createStaff, loginStaff, totpCode } from '#tests/helpers/staff'

test.group('Admin login with TOTP', (group) => {
  group.each.setup(() => resetState())

  test('first login enrols TOTP with a QR code and the key as text, then shows 10 recovery codes once', async ({
    assert,
  }) => {
    const agentAccount = await createStaff({ withTotp: false })
    const agent = new Agent()
    const codesPage = await loginStaff(agent, agentAccount)
    assert.equal(codesPage.status, 200)
    assert.lengthOf(agentAccount.recoveryCodes, 10)
    const staff = await StaffUser.findOrFail(agentAccount.staff.id)
    assert.isNotNull(staff.totpEnabledAt)
    /* stored encrypted, never as the plain key */
    assert.notInclude(staff.totpSecret!, agentAccount.secret!)
    assert.notInclude(staff.recoveryCodes!, agentAccount.recoveryCodes[0])
    /* shown once: a reload does not show them again */
    const again = await agent.get('/admin/recovery-codes')
    assert.equal(again.status, 302)
    assert.equal((await agent.get('/admin')).status, 200)
  })

  test('the enrolment page shows a data: QR image and the same key as text', async ({ assert }) => {
    const agentAccount = await createStaff({ withTotp: false })
    const agent = new Agent()
    await agent.post(
      '/admin/login',
      { email: agentAccount.email, password: agentAccount.password },
      { csrfFrom: '/admin/login' }
    )
    const page = await agent.get('/admin/login/enrol')
    assert.match(page.text, /<img src="data:image\/png;base64,/)
    const key = page.text.match(/data-secret="([A-Z2-7]+)"/)![1]
    const grouped = key.match(/.{1,4}/g)!.join(' ')
    assert.include(page.text, grouped)
    /* a wrong code does not enrol */
    const wrong = await agent.post(
      '/admin/login/enrol',
      { code: '000000' },
      { csrfFrom: '/admin/login/enrol' }
    )
    assert.equal(wrong.location, '/admin/login/enrol')
    assert.equal((await agent.get('/admin')).location, '/admin/login/enrol')
  })

  test('a half-finished enrolment is never shown to the next staff member on the same browser', async ({
    assert,
  }) => {
    const first = await createStaff({ withTotp: false })
    const second = await createStaff({ withTotp: false })
    const browser = new Agent()
    const enrolAs = async (account: typeof first) => {
      await browser.post(
        '/admin/login',
        { email: account.email, password: account.password },
        { csrfFrom: '/admin/login' }
      )
      const page = await browser.get('/admin/login/enrol')
      return page.text.match(/data-secret="([A-Z2-7]+)"/)![1]
    }
    const firstKey = await enrolAs(first)
    /* the same person reloading keeps the key */
    assert.equal(
      (await browser.get('/admin/login/enrol')).text.match(/data-secret="([A-Z2-7]+)"/)![1],
      firstKey
    )
    /* someone else signs in on that browser: a key of their own */
    const secondKey = await enrolAs(second)
    assert.notEqual(secondKey, firstKey)
  })

  test('a later login asks for the TOTP code; password alone opens no admin page', async ({
    assert,
  }) => {
    const agentAccount = await createStaff({ role: 'agent' })
    const agent = new Agent()
    const step1 = await agent.post(
      '/admin/login',
      { email: agentAccount.email, password: agentAccount.password },
      { csrfFrom: '/admin/login' }
    )
    assert.equal(step1.location, '/admin/login/totp')
    for (const path of ['/admin', '/admin/users', '/admin/tickets', '/admin/customers']) {
      const response = await agent.get(path)
      assert.equal(response.status, 302, path)
      assert.equal(response.location, '/admin/login/totp', path)
    }
    const wrong = await agent.post(
      '/admin/login/totp',
      { code: '123456' },
      { csrfFrom: '/admin/login/totp' }
    )
    assert.equal(wrong.location, '/admin/login/totp')
    assert.equal((await agent.get('/admin')).location, '/admin/login/totp')

    const ok = await agent.post(
      '/admin/login/totp',
      { code: await totpCode(agentAccount.secret!) },
      { csrfFrom: '/admin/login/totp' }
    )
    assert.equal(ok.location, '/admin')
    const dashboard = await agent.get('/admin')
    assert.equal(dashboard.status, 200)
    assert.include(dashboard.text, 'Offene Tickets')
  })

  test('a TOTP code works only once', async ({ assert }) => {
    const agentAccount = await createStaff()
    const code = await totpCode(agentAccount.secret!)
    const first = new Agent()
    await first.post(
      '/admin/login',
      { email: agentAccount.email, password: agentAccount.password },
      { csrfFrom: '/admin/login' }
    )
    assert.equal(
      (await first.post('/admin/login/totp', { code }, { csrfFrom: '/admin/login/totp' })).location,
      '/admin'
    )
    const second = new Agent()
    await second.post(
      '/admin/login',
      { email: agentAccount.email, password: agentAccount.password },
      { csrfFrom: '/admin/login' }
    )
    const replay = await second.post(
      '/admin/login/totp',
      { code },
      { csrfFrom: '/admin/login/totp' }
    )
    assert.equal(replay.location, '/admin/login/totp')
  })

  test('a recovery code replaces the TOTP code once', async ({ assert }) => {
    const agentAccount = await createStaff()
    const [code] = agentAccount.recoveryCodes
    const login = async () => {
      const agent = new Agent()
      await agent.post(
        '/admin/login',
        { email: agentAccount.email, password: agentAccount.password },
        { csrfFrom: '/admin/login' }
      )
      return agent.post(
        '/admin/login/totp',
        { code: code.toUpperCase() },
        { csrfFrom: '/admin/login/totp' }
      )
    }
    assert.equal((await login()).location, '/admin')
    assert.equal((await login()).location, '/admin/login/totp')
    const staff = await StaffUser.findOrFail(agentAccount.staff.id)
    assert.lengthOf(JSON.parse(staff.recoveryCodes!), 9)
  })

  test('unknown e-mail and wrong password get the same generic answer', async ({ assert }) => {
    const agentAccount = await createStaff()
    const agent = new Agent()
    const wrong = await agent.follow(
      await agent.post(
        '/admin/login',
        { email: agentAccount.email, password: 'falsch-falsch-falsch' },
        { csrfFrom: '/admin/login' }
      )
    )
    const unknown = await agent.follow(
      await agent.post(
        '/admin/login',
        { email: 'niemand@support.example.com', password: 'falsch-falsch-falsch' },
        { csrfFrom: '/admin/login' }
      )
    )
    const message = 'Anmeldung fehlgeschlagen. Bitte prüfen Sie E-Mail-Adresse und Passwort.'
    assert.include(wrong.text, message)
    assert.include(unknown.text, message)
  })

  test('10 failed attempts lock the staff account; the right password then fails too', async ({
    assert,
  }) => {
    const agentAccount = await createStaff()
    const agent = new Agent({ 'x-forwarded-for': '10.9.9.9' })
    for (let i = 0; i < 10; i++) {
      await agent.post(
        '/admin/login',
        { email: agentAccount.email, password: `falsch-${i}-falsch` },
        { csrfFrom: '/admin/login' }
      )
    }
    const staff = await StaffUser.findOrFail(agentAccount.staff.id)
    assert.equal(staff.state, 'locked')
    assert.equal(staff.failedLoginCount, 10)
    const after = await agent.post(
      '/admin/login',
      { email: agentAccount.email, password: agentAccount.password },
      { csrfFrom: '/admin/login' }
    )
    assert.notEqual(after.location, '/admin/login/totp')
    assert.oneOf(after.status, [302, 429])
    assert.isNotNull(await AuditEvent.findBy('action', 'staff.locked'))
  })

  test('a locked staff account is refused with the right password (no limiter in the way)', async ({
    assert,
  }) => {
    const agentAccount = await createStaff()
    agentAccount.staff.state = 'locked'
    await agentAccount.staff.save()
    /* a fresh address and no failed attempts: only the account's state can refuse it */
    const agent = new Agent({ 'x-forwarded-for': '10.9.9.10' })
    const after = await agent.post(
      '/admin/login',
      { email: agentAccount.email, password: agentAccount.password },
      { csrfFrom: '/admin/login' }
    )
    assert.equal(after.status, 302)
    assert.notEqual(after.location, '/admin/login/totp')
    const page = await agent.get(after.location!)
    assert.include(
      page.text,
      'Anmeldung fehlgeschlagen. Bitte prüfen Sie E-Mail-Adresse und Passwort.'
    )
    assert.equal((await agent.get('/admin')).location, '/admin/login')
  })

  test('the session id is renewed after the password and again after the code', async ({
    assert,
  }) => {
    const agentAccount = await createStaff()
    const agent = new Agent()
    await agent.get('/admin/login')
    const anonymous = agent.cookie('kp_session')
    assert.isString(anonymous)
    await agent.post(
      '/admin/login',
      { email: agentAccount.email, password: agentAccount.password },
      { csrfFrom: '/admin/login' }
    )
    const afterPassword = agent.cookie('kp_session')
    assert.notEqual(afterPassword, anonymous)
    await agent.post(
      '/admin/login/totp',
      { code: await totpCode(agentAccount.secret!) },
      { csrfFrom: '/admin/login/totp' }
    )
    const afterCode = agent.cookie('kp_session')
    assert.notEqual(afterCode, afterPassword)
    assert.equal((await agent.get('/admin')).status, 200)
  })

  test('the admin login speaks English when asked', async ({ assert }) => {
    const page = await new Agent({ 'accept-language': 'en' }).get('/admin/login')
    assert.include(page.text, 'Support sign-in')
    assert.include(page.text, '<label for="password">Password</label>')
  })

  test('logout is a POST and ends the admin session', async ({ assert }) => {
    const agentAccount = await createStaff()
    const agent = new Agent()
    await loginStaff(agent, agentAccount)
    assert.equal((await agent.get('/admin')).status, 200)
    const noCsrf = await agent.postWithoutCsrf('/admin/logout')
    assert.notEqual(noCsrf.location, '/admin/login')
    const out = await agent.post('/admin/logout', {}, { csrfFrom: '/admin' })
    assert.equal(out.location, '/admin/login')
    assert.equal((await agent.get('/admin')).location, '/admin/login')
  })

  test('staff:create refuses a short password', async ({ assert }) => {
    const { default: ace } = await import('@adonisjs/core/services/ace')
    const command = await ace.exec('staff:create', [
      '--email=neu@support.example.com',
      '--name=Neue Agentin',
      '--role=agent',
      '--password=kurz',
    ])
    assert.equal(command.exitCode, 1)
    assert.isNull(await StaffUser.findBy('email', 'neu@support.example.com'))
    const ok = await ace.exec('staff:create', [
      '--email=Neu@Support.example.com',
      '--name=Neue Agentin',
      '--role=admin',
      '--password=ein-langes-Passwort-2026',
    ])
    assert.equal(ok.exitCode, 0)
    const staff = await StaffUser.findByOrFail('email', 'neu@support.example.com')
    assert.equal(staff.role, 'admin')
    assert.notEqual(staff.password, 'ein-langes-Passwort-2026')
    assert.isNull(staff.totpEnabledAt)
  })

  test('staff:create without a terminal and with a value missing fails and creates nothing', async ({
    assert,
  }) => {
    const { default: ace } = await import('@adonisjs/core/services/ace')
    /* a provisioning script: no terminal on stdin, no --password */
    const command = await ace.exec('staff:create', [
      '--email=skript@support.example.com',
      '--name=Skript',
      '--role=agent',
    ])
    assert.equal(command.exitCode, 1)
    assert.isNull(await StaffUser.findBy('email', 'skript@support.example.com'))
  })
})
