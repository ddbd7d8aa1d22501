import { test } from '@japa/runner'
import hash from '@adonisjs/core/services/hash'
import User from '#models/user'
import AuditEvent from '#models/audit_event'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { redisText } from '#tests/helpers/stored_text'
import {
  createCustomer,
  createMerchant,
  linkIn,
  loginAs,
  mailTo,
  pathOf,
  confirmLink,
} from '#tests/helpers/auth'

const NEW_PASSWORD = 'Gruene-Sosse-mit-sieben-Kraeutern-2026'

async function loggedIn(options: Parameters<typeof createMerchant>[0] = {}) {
  const merchant = await createMerchant(options)
  const agent = new Agent()
  await loginAs(agent, merchant.user.email, merchant.password)
  return { ...merchant, agent }
}

test.group('Benutzerkonto', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('the account page needs a login and is never cached', async ({ assert }) => {
    const anonymous = await new Agent().get('/account')
    assert.equal(anonymous.location, '/login?redirect=%2Faccount')

    const { agent, user, customers } = await loggedIn({
      customers: [{ companyName: 'Bäckerei Schmidt' }],
    })
    const page = await agent.get('/account')
    assert.equal(page.status, 200)
    assert.equal(page.headers.get('cache-control'), 'no-store')
    assert.include(page.text, user.email)
    assert.include(page.text, customers[0].customerNumber)
    assert.include(page.text, 'Bäckerei Schmidt')
    assert.include(page.text, 'Andere Sitzungen abmelden')
    assert.include(page.text, 'Kundennummer hinzufügen')
  })

  test('name, phone and language are saved; the page follows the language', async ({ assert }) => {
    const { agent, user } = await loggedIn()
    const response = await agent.post(
      '/account/profile',
      { full_name: 'Max Händler', phone: '+49 69 123456', locale: 'en' },
      { csrfFrom: '/account' }
    )
    assert.equal(response.location, '/account')
    const page = await agent.follow(response)
    assert.include(page.text, 'Your details have been saved.')
    assert.include(page.text, 'value="Max Händler"')
    await user.refresh()
    assert.equal(user.fullName, 'Max Händler')
    assert.equal(user.phone, '+49 69 123456')
    assert.equal(user.locale, 'en')

    const bad = await agent.post(
      '/account/profile',
      { full_name: 'X', phone: 'ruf mich an', locale: 'de' },
      { csrfFrom: '/account' }
    )
    assert.include((await agent.follow(bad)).text, 'phone number')
    await user.refresh()
    assert.equal(user.phone, '+49 69 123456')
  })

  test('changing the password needs the current one and ends the other sessions', async ({
    assert,
  }) => {
    const { agent, user, password } = await loggedIn()
    const other = new Agent()
    await loginAs(other, user.email, password)

    const wrong = await agent.post(
      '/account/password',
      {
        current_password: 'nicht-das-aktuelle',
        password: NEW_PASSWORD,
        password_confirmation: NEW_PASSWORD,
      },
      { csrfFrom: '/account' }
    )
    assert.include((await agent.follow(wrong)).text, 'Das aktuelle Passwort ist nicht korrekt.')
    const weak = await agent.post(
      '/account/password',
      {
        current_password: password,
        password: 'Passwort123456',
        password_confirmation: 'Passwort123456',
      },
      { csrfFrom: '/account' }
    )
    assert.include((await agent.follow(weak)).text, 'zu leicht zu erraten')
    await user.refresh()
    assert.isTrue(await hash.verify(user.password, password))

    const done = await agent.post(
      '/account/password',
      { current_password: password, password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD },
      { csrfFrom: '/account' }
    )
    assert.include((await agent.follow(done)).text, 'Ihr Passwort wurde geändert.')
    assert.equal((await agent.get('/account')).status, 200, 'this session stays')
    assert.match((await other.get('/account')).location ?? '', /^\/login/, 'the other one ended')
    await mailTo(user.email, 'Ihr Passwort wurde geändert')
    await loginAs(new Agent(), user.email, NEW_PASSWORD)
  })

  test('a new e-mail address applies only after it confirms; the old one is told', async ({
    assert,
  }) => {
    const { agent, user, password } = await loggedIn({ email: 'alt@example.com' })
    const response = await agent.post(
      '/account/email',
      { email: 'Neu@Example.com', current_password_email: password },
      { csrfFrom: '/account' }
    )
    const page = await agent.follow(response)
    assert.include(page.text, 'Bestätigungslink an die neue Adresse gesendet')
    assert.include(page.text, 'Bestätigung ausstehend für neu@example.com')
    await user.refresh()
    assert.equal(user.email, 'alt@example.com')

    const link = linkIn(
      await mailTo('neu@example.com', 'neue E-Mail-Adresse'),
      '/account/email/confirm/'
    )
    /* opening the link (as a mail scanner does) changes nothing yet */
    const asked = await new Agent().get(pathOf(link))
    assert.equal(asked.status, 200)
    assert.include(asked.text, 'Neue E-Mail-Adresse bestätigen')
    await user.refresh()
    assert.equal(user.email, 'alt@example.com')
    const confirmed = await confirmLink(new Agent(), pathOf(link))
    assert.equal(confirmed.status, 200)
    assert.include(confirmed.text, 'neu@example.com')
    await user.refresh()
    assert.equal(user.email, 'neu@example.com')
    const notice = await mailTo('alt@example.com', 'E-Mail-Adresse Ihres Zugangs wurde geändert')
    assert.notInclude(notice.parsed.text ?? '', 'neu@example.com', 'the new address is masked')
    assert.equal((await new Agent().get(pathOf(link))).status, 410, 'single use')
    await loginAs(new Agent(), 'neu@example.com', password)
    assert.lengthOf(await AuditEvent.query().where('action', 'email.changed'), 1)
  })

  test('a form sent with an expired CSRF token comes back in German, keeping no password', async ({
    assert,
  }) => {
    const { agent, user, password } = await loggedIn()
    await agent.get('/account')
    const refused = await agent.request('POST', '/account/password', {
      form: {
        _csrf: 'abgelaufen',
        current_password: password,
        password: 'Neues-Passwort-Apfelbaum-2027',
        password_confirmation: 'Neues-Passwort-Apfelbaum-2027',
      },
      headers: { referer: `${agent.baseUrl}/account` },
    })
    assert.equal(refused.status, 302)
    const page = await agent.follow(refused)
    assert.include(
      page.text,
      'Die Seite war zu lange geöffnet. Bitte senden Sie das Formular erneut.'
    )
    assert.notInclude(page.text, 'Invalid or expired CSRF token')
    /* nothing of the passwords waits in the session store */
    const stored = (await redisText()).join('\n')
    assert.notInclude(stored, password)
    assert.notInclude(stored, 'Neues-Passwort-Apfelbaum-2027')
    await user.refresh()
    assert.isTrue(await hash.verify(user.password, password), 'the password is unchanged')
  })

  test('changing to a taken address answers the same; its owner is told, without a link', async ({
    assert,
  }) => {
    await createMerchant({ email: 'belegt@example.com', locale: 'en' })
    const { agent, user, password } = await loggedIn()
    const response = await agent.post(
      '/account/email',
      { email: 'belegt@example.com', current_password_email: password },
      { csrfFrom: '/account' }
    )
    const page = await agent.follow(response)
    assert.include(page.text, 'Bestätigungslink an die neue Adresse gesendet')
    assert.include(page.text, 'Bestätigung ausstehend für belegt@example.com')
    /* the owner learns about it in their language; the mail carries no confirmation link */
    const notice = await mailTo('belegt@example.com', 'Someone tried to use your e-mail address')
    assert.notInclude(notice.parsed.text ?? '', '/account/email/confirm/')
    assert.lengthOf(smtpSink.to('belegt@example.com'), 1)
    await user.refresh()
    assert.notEqual(user.email, 'belegt@example.com')
    assert.lengthOf(await AuditEvent.query().where('action', 'email.change_address_taken'), 1)
  })

  test('a further customer number is linked only with one of its Terminal-IDs', async ({
    assert,
  }) => {
    const { agent, user } = await loggedIn()
    const second = await createCustomer({ companyName: 'Kiosk am Markt', terminals: 2 })
    const stranger = await createCustomer()

    const answers = []
    for (const [customerNumber, terminalId] of [
      [second.customer.customerNumber, stranger.terminals[0].terminalId],
      ['L9999999', second.terminals[0].terminalId],
    ]) {
      const response = await agent.post(
        '/account/customers',
        { customer_number: customerNumber, terminal_id: terminalId },
        { csrfFrom: '/account' }
      )
      answers.push(await agent.follow(response))
    }
    for (const page of answers) {
      assert.include(page.text, 'Kundennummer und Terminal-ID passen nicht zusammen.')
    }
    await user.load('customers')
    assert.lengthOf(user.customers, 1)

    const ok = await agent.post(
      '/account/customers',
      {
        customer_number: ` ${second.customer.customerNumber.toLowerCase()} `,
        terminal_id: second.terminals[1].terminalId,
      },
      { csrfFrom: '/account' }
    )
    const page = await agent.follow(ok)
    assert.include(page.text, 'Die Kundennummer wurde hinzugefügt.')
    assert.include(page.text, 'Kiosk am Markt')
    await user.load('customers')
    assert.lengthOf(user.customers, 2)
    const audit = await AuditEvent.query().where('action', 'customer.linked').firstOrFail()
    assert.equal(audit.subjectUserId, user.id)
  })

  test('linking attempts are throttled per user', async ({ assert }) => {
    const { agent } = await loggedIn()
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) {
      const response = await agent.post(
        '/account/customers',
        { customer_number: `L100${i}`, terminal_id: '12345678' },
        { csrfFrom: '/account' }
      )
      statuses.push(response.status)
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(302))
    assert.equal(statuses[10], 429)
  })

  test('„Andere Sitzungen abmelden“ ends every session but this one', async ({ assert }) => {
    const { agent, user, password } = await loggedIn()
    const phone = new Agent({ 'user-agent': 'Telefon-Browser/1.0' })
    await loginAs(phone, user.email, password)
    const page = await agent.get('/account')
    assert.include(page.text, 'Telefon-Browser/1.0')
    assert.include(page.text, 'diese Sitzung')

    const response = await agent.post('/account/sessions/end-others', {}, { csrfFrom: '/account' })
    const after = await agent.follow(response)
    assert.include(after.text, 'Eine andere Sitzung wurde abgemeldet.')
    assert.match((await phone.get('/account')).location ?? '', /^\/login/)
    assert.equal((await agent.get('/account')).status, 200)
  })

  test('no account form changes anything without a CSRF token', async ({ assert }) => {
    const { agent, user, password } = await loggedIn()
    const second = await createCustomer()
    const other = new Agent()
    await loginAs(other, user.email, password)
    await agent.get('/account')
    const posts: Array<[string, Record<string, string>]> = [
      ['/account/profile', { full_name: 'Gehackt', phone: '110', locale: 'en' }],
      [
        '/account/password',
        { current_password: password, password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD },
      ],
      ['/account/email', { email: 'angreifer@example.com', current_password_email: password }],
      [
        '/account/customers',
        {
          customer_number: second.customer.customerNumber,
          terminal_id: second.terminals[0].terminalId,
        },
      ],
      ['/account/sessions/end-others', {}],
    ]
    for (const [path, form] of posts) {
      const response = await agent.postWithoutCsrf(path, form)
      assert.notEqual(response.status, 200, path)
    }
    const fresh = await User.findOrFail(user.id)
    assert.isNull(fresh.fullName === 'Gehackt' ? 'changed' : null)
    assert.equal(fresh.locale, 'de')
    assert.isTrue(await hash.verify(fresh.password, password))
    assert.equal(fresh.email, user.email)
    await fresh.load('customers')
    assert.lengthOf(fresh.customers, 1)
    assert.equal((await other.get('/account')).status, 200, 'the other session lives')
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.lengthOf(smtpSink.to('angreifer@example.com'), 0)
  })
})
