import { test } from '@japa/runner'
import User from '#models/user'
import AuditEvent from '#models/audit_event'
import OneTimeToken from '#models/one_time_token'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { solveCaptcha } from '#tests/helpers/captcha'
import { logOffset, logTextFlushed } from '#tests/helpers/stored_text'
import {
  createCustomer,
  createMerchant,
  linkIn,
  loginAs,
  mailTo,
  pathOf,
} from '#tests/helpers/auth'

test.group('Konto: Sicherheit', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('the guest pages send a strict CSP and the protective headers', async ({ assert }) => {
    for (const path of ['/login', '/register', '/forgot-password']) {
      const page = await new Agent().get(path)
      assert.equal(page.status, 200, path)
      const csp = page.headers.get('content-security-policy') ?? ''
      assert.include(csp, "object-src 'none'")
      assert.include(csp, "base-uri 'none'")
      assert.include(csp, "frame-ancestors 'none'")
      assert.notInclude(csp, 'unsafe-inline')
      assert.equal(page.headers.get('x-content-type-options'), 'nosniff')
      assert.isNotNull(page.headers.get('referrer-policy'))
      assert.notMatch(page.text, /<script(?![^>]*nonce=)[^>]*>/, 'every script carries the nonce')
      assert.notMatch(page.text, /<style/, 'no inline style blocks')
      for (const id of page.text.matchAll(
        /<input[^>]*type="(?:email|password|text|tel)"[^>]*id="([^"]+)"/g
      )) {
        assert.include(page.text, `for="${id[1]}"`, `label for #${id[1]} on ${path}`)
      }
    }
  })

  test('the login page switches to English', async ({ assert }) => {
    const page = await new Agent({ 'accept-language': 'en-GB,en;q=0.9' }).get('/login')
    assert.include(page.text, '<h1>Log in</h1>')
    assert.include(page.text, 'Forgot password')
    assert.include(page.text, 'Access locked? Contact us now')
  })

  test('after login the portal speaks the account language', async ({ assert }) => {
    const { user, password } = await createMerchant({ locale: 'en' })
    const agent = new Agent({ 'accept-language': 'de' })
    await loginAs(agent, user.email, password)
    assert.include((await agent.get('/account')).text, 'Change password')
  })

  test('forgot, reset, register and logout change nothing without a CSRF token', async ({
    assert,
  }) => {
    const { user, password, customers } = await createMerchant()
    const { customer, terminals } = await createCustomer()
    const agent = new Agent()
    await loginAs(agent, user.email, password)

    await agent.postWithoutCsrf('/logout')
    assert.equal((await agent.get('/account')).status, 200, 'still logged in')

    const guest = new Agent()
    await guest.postWithoutCsrf('/forgot-password', {
      email: user.email,
      customer_number: customers[0].customerNumber,
      altcha: await solveCaptcha(guest),
    })
    await guest.postWithoutCsrf('/register', {
      email: 'csrf@example.com',
      password,
      password_confirmation: password,
      customer_number: customer.customerNumber,
      terminal_id: terminals[0].terminalId,
      consent: 'on',
    })
    await new Promise((resolve) => setTimeout(resolve, 500))
    assert.lengthOf(smtpSink.mails, 0)
    assert.lengthOf(await OneTimeToken.all(), 0)
    assert.isNull(await User.findBy('email', 'csrf@example.com'))

    /* a real reset link, but the POST without a token */
    const real = new Agent()
    await real.post(
      '/forgot-password',
      {
        email: user.email,
        customer_number: customers[0].customerNumber,
        altcha: await solveCaptcha(real),
      },
      { csrfFrom: '/forgot-password' }
    )
    const path = pathOf(linkIn(await mailTo(user.email, 'Neues Passwort'), '/reset-password/'))
    const attacker = new Agent()
    await attacker.get(path)
    await attacker.postWithoutCsrf(path, {
      password: 'Uebernommen-vom-Angreifer-2026',
      password_confirmation: 'Uebernommen-vom-Angreifer-2026',
    })
    await loginAs(new Agent(), user.email, password)
    assert.equal((await new Agent().get(path)).status, 200, 'the link is still unused')
  })

  test('no password, token or mail body reaches the audit trail or the log', async ({ assert }) => {
    const offset = await logOffset()
    const { user, password, customers } = await createMerchant()
    await new Agent().post(
      '/login',
      { email: user.email, password: 'Falsch-und-geheim-4711' },
      { csrfFrom: '/login' }
    )
    await loginAs(new Agent(), user.email, password)
    const real = new Agent()
    await real.post(
      '/forgot-password',
      {
        email: user.email,
        customer_number: customers[0].customerNumber,
        altcha: await solveCaptcha(real),
      },
      { csrfFrom: '/forgot-password' }
    )
    const mail = await mailTo(user.email, 'Neues Passwort')
    const token = linkIn(mail, '/reset-password/').split('/').pop()!

    const audit = JSON.stringify(await AuditEvent.all())
    /* what this test logged, once it is all in the file (a missing log fails, it never passes) */
    const log = await logTextFlushed(offset)
    for (const secret of [password, 'Falsch-und-geheim-4711', token]) {
      assert.notInclude(audit, secret)
      assert.notInclude(log, secret)
    }
    assert.notInclude(audit, 'Neues Passwort festlegen')
  })
})
