import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import env from '#start/env'
import User from '#models/user'
import OneTimeToken from '#models/one_time_token'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import {
  createCustomer,
  createMerchant,
  DEFAULT_PASSWORD,
  linkIn,
  loginAs,
  mailTo,
  pathOf,
  confirmLink,
} from '#tests/helpers/auth'

const strip = (html: string) =>
  html
    .replace(/name=['"]_csrf['"] value=['"][^'"]*['"]/g, '')
    .replace(/nonce="[^"]*"/g, '')
    .replace(/content="[A-Za-z0-9+/=_-]{16,}"/g, '')

async function register(fields: Record<string, string>, agent = new Agent()) {
  const response = await agent.post(
    '/register',
    {
      password: DEFAULT_PASSWORD,
      password_confirmation: DEFAULT_PASSWORD,
      consent: 'on',
      ...fields,
    },
    { csrfFrom: '/register' }
  )
  return { response, page: await agent.follow(response), agent }
}

test.group('Registrieren', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('wrong TID, taken e-mail and a fresh registration get the identical page', async ({
    assert,
  }) => {
    const { customer, terminals } = await createCustomer({ terminals: 2 })
    const other = await createCustomer()
    const owner = await createMerchant({ email: 'vergeben@example.com' })

    const wrongTid = await register({
      email: 'neu1@example.com',
      customer_number: customer.customerNumber,
      terminal_id: other.terminals[0].terminalId,
    })
    const taken = await register({
      email: 'Vergeben@Example.com',
      customer_number: customer.customerNumber,
      terminal_id: terminals[0].terminalId,
    })
    const fresh = await register({
      email: 'neu2@example.com',
      customer_number: customer.customerNumber.toLowerCase(),
      terminal_id: terminals[1].terminalId,
    })

    for (const answer of [wrongTid, taken, fresh]) {
      assert.equal(answer.response.status, 302)
      assert.equal(answer.response.location, '/register/sent')
      assert.equal(answer.page.status, 200)
      assert.equal(strip(answer.page.text), strip(fresh.page.text))
    }
    assert.include(fresh.page.text, 'Bitte prüfen Sie Ihr Postfach')

    assert.isNull(await User.findBy('email', 'neu1@example.com'))
    const created = await User.findByOrFail('email', 'neu2@example.com')
    assert.equal(created.state, 'pending_verification')
    assert.match(created.password, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)

    const verify = await mailTo('neu2@example.com', 'Bitte bestätigen Sie Ihre E-Mail-Adresse')
    assert.include(linkIn(verify, '/verify-email/'), env.get('APP_URL'))
    const attempt = await mailTo(owner.user.email, 'Registrierungsversuch')
    assert.include(attempt.parsed.text ?? '', 'Passwort vergessen')
    assert.lengthOf(smtpSink.to('neu1@example.com'), 0)
  })

  test('the confirmation link activates once; a reused or expired link is refused', async ({
    assert,
  }) => {
    const { customer, terminals } = await createCustomer()
    await register({
      email: 'aktiv@example.com',
      customer_number: customer.customerNumber,
      terminal_id: terminals[0].terminalId,
    })
    const link = linkIn(await mailTo('aktiv@example.com', 'bestätigen'), '/verify-email/')

    const agent = new Agent()
    /* opening the link (as a mail scanner does) only asks */
    const asked = await agent.get(pathOf(link))
    assert.equal(asked.status, 200)
    assert.include(asked.text, 'E-Mail-Adresse bestätigen')
    assert.equal(
      (await User.findByOrFail('email', 'aktiv@example.com')).state,
      'pending_verification'
    )
    const first = await confirmLink(agent, pathOf(link))
    assert.equal(first.status, 200)
    assert.include(first.text, 'Ihr Zugang ist freigeschaltet')
    assert.equal((await User.findByOrFail('email', 'aktiv@example.com')).state, 'active')
    await loginAs(new Agent(), 'aktiv@example.com', DEFAULT_PASSWORD)

    const again = await agent.get(pathOf(link))
    assert.equal(again.status, 410)
    assert.include(again.text, 'Link ungültig oder abgelaufen')

    const second = await createCustomer()
    await register({
      email: 'spaet@example.com',
      customer_number: second.customer.customerNumber,
      terminal_id: second.terminals[0].terminalId,
    })
    const late = linkIn(await mailTo('spaet@example.com', 'bestätigen'), '/verify-email/')
    /* a live link with one character changed: refused, opened or pressed, and nothing changes */
    const tamperedLive = pathOf(late).slice(0, -1) + (late.endsWith('A') ? 'B' : 'A')
    assert.equal((await agent.get(tamperedLive)).status, 410)
    assert.equal((await agent.post(tamperedLive, {}, { csrfFrom: '/login' })).status, 410)
    assert.equal(
      (await User.findByOrFail('email', 'spaet@example.com')).state,
      'pending_verification'
    )
    await OneTimeToken.query()
      .where('purpose', 'verify_email')
      .update({ expires_at: DateTime.now().minus({ minutes: 1 }).toSQL({ includeOffset: false }) })
    const expired = await agent.get(pathOf(late))
    assert.equal(expired.status, 410)
    assert.equal(
      (await User.findByOrFail('email', 'spaet@example.com')).state,
      'pending_verification'
    )

    const tampered = pathOf(link).slice(0, -1) + (link.endsWith('A') ? 'B' : 'A')
    assert.equal((await agent.get(tampered)).status, 410)
  })

  test('with REGISTRATION_APPROVAL=manual a confirmed account waits for support', async ({
    assert,
    cleanup,
  }) => {
    env.set('REGISTRATION_APPROVAL', 'manual')
    cleanup(() => env.set('REGISTRATION_APPROVAL', 'auto'))
    const { customer, terminals } = await createCustomer()
    await register({
      email: 'warte@example.com',
      customer_number: customer.customerNumber,
      terminal_id: terminals[0].terminalId,
    })
    const link = linkIn(await mailTo('warte@example.com', 'bestätigen'), '/verify-email/')
    const page = await confirmLink(new Agent(), pathOf(link))
    assert.include(page.text, 'Unser Kundenservice prüft Ihre Registrierung')
    assert.equal((await User.findByOrFail('email', 'warte@example.com')).state, 'pending_approval')
    const login = await new Agent().post(
      '/login',
      { email: 'warte@example.com', password: DEFAULT_PASSWORD },
      { csrfFrom: '/login' }
    )
    assert.equal(login.location, '/login')
  })

  test('weak passwords are refused with the reason; a long passphrase is accepted', async ({
    assert,
  }) => {
    const { customer, terminals } = await createCustomer({ customerNumber: 'L7654321' })
    const base = { customer_number: 'L7654321', terminal_id: terminals[0].terminalId }
    const cases: Array<[string, string]> = [
      ['Abcdefghij1', 'mindestens 12 Zeichen'],
      ['Passwort123456', 'zu leicht zu erraten'],
      ['Mein-L7654321-Laden-Geheim', 'Kundennummer nicht enthalten'],
      ['Fischhaendler-Sommerwind-7', 'E-Mail-Adresse'],
    ]
    for (const [password, reason] of cases) {
      const { page } = await register({
        ...base,
        email: 'fischhaendler@example.com',
        password,
        password_confirmation: password,
      })
      assert.include(page.text, reason, `refusal of ${password}`)
      assert.include(page.text, 'value="fischhaendler@example.com"')
      assert.notInclude(page.text, password)
    }
    assert.isNull(await User.findBy('email', 'fischhaendler@example.com'))

    const passphrase =
      'Im Sommer fahren wir mit dem Fahrrad an den Main und essen Handkäs mit Musik am Ufer 2026!'
        .padEnd(100, '.')
        .slice(0, 100)
    assert.lengthOf(passphrase, 100)
    const { page } = await register({
      ...base,
      email: 'fischhaendler@example.com',
      password: passphrase,
      password_confirmation: passphrase,
    })
    assert.include(page.text, 'Bitte prüfen Sie Ihr Postfach')
    assert.isNotNull(await User.findBy('email', 'fischhaendler@example.com'))
    void customer
  })

  test('missing CSRF token registers nothing', async ({ assert }) => {
    const { customer, terminals } = await createCustomer()
    const agent = new Agent()
    await agent.get('/register')
    await agent.postWithoutCsrf('/register', {
      email: 'ohne-csrf@example.com',
      password: DEFAULT_PASSWORD,
      password_confirmation: DEFAULT_PASSWORD,
      customer_number: customer.customerNumber,
      terminal_id: terminals[0].terminalId,
      consent: 'on',
    })
    assert.isNull(await User.findBy('email', 'ohne-csrf@example.com'))
  })

  test('registrations per e-mail are throttled with a readable 429', async ({ assert }) => {
    const { customer } = await createCustomer()
    const fields = {
      email: 'flut@example.com',
      customer_number: customer.customerNumber,
      terminal_id: '99999999',
    }
    for (let i = 0; i < 5; i++) assert.equal((await register(fields)).response.status, 302)
    const { response } = await register(fields)
    assert.equal(response.status, 429)
    assert.include(response.text, 'Zu viele Versuche')
  })
})
