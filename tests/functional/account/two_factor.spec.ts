import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import User from '#models/user'
import AuditEvent from '#models/audit_event'
import { Totp } from '#services/security/totp'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { createMerchant, loginAs, mailTo } from '#tests/helpers/auth'
import { secretFromEnrolmentPage, totpCode } from '#tests/helpers/staff'

/** A merchant with TOTP switched on (as after an enrolment); the plain secret and codes. */
async function merchantWithTotp() {
  const merchant = await createMerchant()
  const secret = Totp.newSecret()
  const codes = Totp.newRecoveryCodes()
  merchant.user.totpSecret = Totp.encryptSecret(secret)
  merchant.user.totpEnabledAt = DateTime.now()
  merchant.user.recoveryCodes = codes.stored
  await merchant.user.save()
  return { ...merchant, secret, recoveryCodes: codes.plain }
}

/** The password step; answers the redirect. */
async function passwordStep(agent: Agent, email: string, password: string, redirect?: string) {
  return agent.post('/login', { email, password, redirect }, { csrfFrom: '/login' })
}

async function codeStep(agent: Agent, code: string, csrfFrom = '/login/totp') {
  return agent.post('/login/totp', { code }, { csrfFrom })
}

test.group('Zwei-Faktor-Anmeldung für Händler', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('a half-finished enrolment is never shown to the next merchant on the same browser', async ({
    assert,
  }) => {
    const first = await createMerchant()
    const second = await createMerchant()
    const browser = new Agent()
    await loginAs(browser, first.user.email, first.password)
    const firstKey = secretFromEnrolmentPage((await browser.get('/account/two-factor')).text)
    /* the session is ended from outside (support locks the account; the 12 h limit), not by
       „Abmelden“, and the next person signs in on that browser */
    first.user.state = 'locked'
    await first.user.save()
    assert.match((await browser.get('/account')).location ?? '', /^\/login/)
    await loginAs(browser, second.user.email, second.password)
    const secondKey = secretFromEnrolmentPage((await browser.get('/account/two-factor')).text)
    assert.notEqual(secondKey, firstKey)
  })

  test('enrolment from the account page: QR code and key, a code turns it on, 10 recovery codes shown once', async ({
    assert,
  }) => {
    const { user, password } = await createMerchant()
    const agent = new Agent()
    await loginAs(agent, user.email, password)

    const account = await agent.get('/account')
    assert.include(account.text, 'Zwei-Faktor-Anmeldung ist ausgeschaltet')
    assert.include(account.text, 'href="/account/two-factor"')

    const page = await agent.get('/account/two-factor')
    assert.equal(page.status, 200)
    assert.match(page.text, /<img src="data:image\/png;base64,/)
    const secret = secretFromEnrolmentPage(page.text)
    assert.include(page.text, secret.match(/.{1,4}/g)!.join(' '))
    assert.include(page.text, 'otpauth://totp/Kundenportal')
    /* the same key on a reload (one pending secret per session) */
    assert.equal(secretFromEnrolmentPage((await agent.get('/account/two-factor')).text), secret)

    /* a wrong code does not switch it on */
    const wrong = await agent.post(
      '/account/two-factor',
      { current_password: password, code: '000000' },
      { csrfFrom: '/account/two-factor' }
    )
    assert.equal(wrong.location, '/account/two-factor')
    assert.include((await agent.follow(wrong)).text, 'Der Code ist nicht korrekt')
    await user.refresh()
    assert.isNull(user.totpEnabledAt)
    /* nor does the right code without the account's password (a session alone, e.g. a
       browser left open, must not bind someone else's authenticator) */
    const noPassword = await agent.post(
      '/account/two-factor',
      { current_password: 'nicht-das-passwort', code: await totpCode(secret) },
      { csrfFrom: '/account/two-factor' }
    )
    assert.equal(noPassword.location, '/account/two-factor')
    assert.include((await agent.follow(noPassword)).text, 'Das aktuelle Passwort ist nicht korrekt')
    await user.refresh()
    assert.isNull(user.totpEnabledAt)
    assert.equal(user.failedLoginCount, 1, 'a wrong password counts like a failed login')

    const done = await agent.post(
      '/account/two-factor',
      { current_password: password, code: await totpCode(secret) },
      { csrfFrom: '/account/two-factor' }
    )
    assert.equal(done.location, '/account/two-factor/recovery-codes')
    const codesPage = await agent.follow(done)
    assert.equal(codesPage.status, 200)
    assert.include(codesPage.text, 'Diese Codes werden nur jetzt angezeigt')
    const codes = [...codesPage.text.matchAll(/<code>([a-z0-9]{5}-[a-z0-9]{5})<\/code>/g)].map(
      (m) => m[1]
    )
    assert.lengthOf(codes, 10)
    /* shown once */
    assert.equal((await agent.get('/account/two-factor/recovery-codes')).location, '/account')

    await user.refresh()
    assert.isNotNull(user.totpEnabledAt)
    /* stored encrypted and hashed, never plain */
    assert.notInclude(user.totpSecret!, secret)
    assert.notInclude(user.recoveryCodes!, codes[0])
    assert.include((await agent.get('/account')).text, 'Zwei-Faktor-Anmeldung ist eingeschaltet')
    assert.include(
      (await agent.get('/account/two-factor')).text,
      '10 Wiederherstellungscodes übrig'
    )
    const event = await AuditEvent.query()
      .where('action', 'account.two_factor.enabled')
      .firstOrFail()
    assert.equal(event.subjectUserId, user.id)
  })

  test('login: the password alone opens nothing, the code step completes the login', async ({
    assert,
  }) => {
    const { user, password, secret } = await merchantWithTotp()
    const agent = new Agent()
    const step1 = await passwordStep(agent, user.email, password, '/transactions')
    assert.equal(step1.location, '/login/totp')

    /* a pending login, not a login */
    for (const path of ['/', '/account', '/transactions', '/terminals']) {
      const response = await agent.get(path)
      assert.equal(response.status, 302, path)
      assert.match(response.location ?? '', /^\/login/, path)
    }
    const challenge = await agent.get('/login/totp')
    assert.equal(challenge.status, 200)
    assert.include(challenge.text, 'Bestätigungscode')

    const wrong = await codeStep(agent, '123456')
    assert.equal(wrong.location, '/login/totp')
    assert.include((await agent.follow(wrong)).text, 'Der Code ist nicht korrekt')
    assert.equal((await agent.get('/')).status, 302)

    const ok = await codeStep(agent, await totpCode(secret))
    assert.equal(ok.location, '/transactions')
    assert.equal((await agent.get('/')).status, 200)
    assert.equal((await agent.get('/account')).status, 200)

    /* the wrong code was counted, the success cleared it */
    await user.refresh()
    assert.equal(user.failedLoginCount, 0)
    const failed = await AuditEvent.query().where('action', 'login.failed').firstOrFail()
    assert.equal(failed.meta?.reason, 'second_factor')
    const succeeded = await AuditEvent.query().where('action', 'login.succeeded').firstOrFail()
    assert.equal(succeeded.meta?.method, 'totp')

    /* the code step without a pending login goes back to the login */
    const fresh = new Agent()
    assert.equal((await fresh.get('/login/totp')).location, '/login')
  })

  test('a wrong password for a TOTP user answers like any failed login (no code step)', async ({
    assert,
  }) => {
    const { user } = await merchantWithTotp()
    const agent = new Agent()
    const response = await passwordStep(agent, user.email, 'falsches-Passwort-1')
    assert.equal(response.location, '/login')
    assert.include((await agent.follow(response)).text, 'E-Mail-Adresse oder Passwort')
    assert.equal((await agent.get('/login/totp')).location, '/login')
  })

  test('a recovery code logs in once', async ({ assert }) => {
    const { user, password, recoveryCodes } = await merchantWithTotp()
    const agent = new Agent()
    await passwordStep(agent, user.email, password)
    const ok = await codeStep(agent, recoveryCodes[3].toUpperCase())
    assert.equal(ok.location, '/')
    const dashboard = await agent.follow(ok)
    assert.equal(dashboard.status, 200)
    assert.include(dashboard.text, 'Es sind noch 9 Codes übrig')
    await user.refresh()
    assert.equal(Totp.remainingRecoveryCodes(user), 9)

    /* the same code a second time is refused */
    const other = new Agent()
    assert.equal((await passwordStep(other, user.email, password)).location, '/login/totp')
    assert.equal((await codeStep(other, recoveryCodes[3])).location, '/login/totp')
    assert.equal((await other.get('/')).status, 302)
    /* another one works */
    assert.equal((await codeStep(other, recoveryCodes[4])).location, '/')
  })

  test('wrong codes count toward the lockout like failed logins: 10 lock the account', async ({
    assert,
  }) => {
    const { user, password, secret } = await merchantWithTotp()
    const agent = new Agent()
    assert.equal((await passwordStep(agent, user.email, password)).location, '/login/totp')
    for (let i = 1; i <= 9; i++) {
      assert.equal((await codeStep(agent, '000000')).location, '/login/totp')
    }
    await user.refresh()
    assert.equal(user.state, 'active')
    assert.equal(user.failedLoginCount, 9)

    const last = await codeStep(agent, 'aaaaa-bbbbb')
    assert.equal(last.location, '/login')
    await user.refresh()
    assert.equal(user.state, 'locked')
    assert.equal(user.lockReason, 'failed_logins')
    await mailTo(user.email, 'gesperrt')

    /* neither the pending login nor a fresh one gets through, even with a right code */
    assert.equal((await agent.get('/login/totp')).location, '/login')
    const again = new Agent()
    const retry = await passwordStep(again, user.email, password)
    assert.notEqual(retry.location, '/login/totp')
    assert.notEqual((await codeStep(again, await totpCode(secret), '/login')).location, '/')
    assert.equal((await again.get('/')).status, 302)
  })

  test('turning it off needs the current password and a code; wrong answers count', async ({
    assert,
  }) => {
    const { user, password, secret } = await merchantWithTotp()
    const agent = new Agent()
    await passwordStep(agent, user.email, password)
    assert.equal((await codeStep(agent, await totpCode(secret))).location, '/')

    const page = await agent.get('/account/two-factor')
    assert.include(page.text, 'Zwei-Faktor-Anmeldung ist eingeschaltet')

    const wrongPassword = await agent.post(
      '/account/two-factor/disable',
      { current_password: 'falsches-Passwort-1', code: await totpCode(secret) },
      { csrfFrom: '/account/two-factor' }
    )
    assert.equal(wrongPassword.location, '/account/two-factor')
    assert.include((await agent.follow(wrongPassword)).text, 'Das aktuelle Passwort')
    const wrongCode = await agent.post(
      '/account/two-factor/disable',
      { current_password: password, code: '000000' },
      { csrfFrom: '/account/two-factor' }
    )
    assert.equal(wrongCode.location, '/account/two-factor')
    assert.include((await agent.follow(wrongCode)).text, 'Der Code ist nicht korrekt')
    await user.refresh()
    assert.isNotNull(user.totpEnabledAt)
    assert.equal(user.failedLoginCount, 2)

    const done = await agent.post(
      '/account/two-factor/disable',
      { current_password: password, code: await totpCode(secret) },
      { csrfFrom: '/account/two-factor' }
    )
    assert.equal(done.location, '/account#two-factor')
    assert.include((await agent.follow(done)).text, 'Die Zwei-Faktor-Anmeldung ist ausgeschaltet')
    const stored = await User.findOrFail(user.id)
    assert.isNull(stored.totpEnabledAt)
    assert.isNull(stored.totpSecret)
    assert.isNull(stored.recoveryCodes)

    /* the next login needs the password only */
    assert.equal((await passwordStep(new Agent(), user.email, password)).location, '/')
  })

  test('the pages speak English', async ({ assert }) => {
    const { user, password } = await merchantWithTotp()
    user.locale = 'en'
    await user.save()
    const agent = new Agent({ 'accept-language': 'en' })
    await passwordStep(agent, user.email, password)
    const page = await agent.get('/login/totp')
    assert.equal(page.status, 200)
    assert.include(page.text, 'Verification code')
  })
})
