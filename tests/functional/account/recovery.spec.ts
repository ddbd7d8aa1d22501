import { test } from '@japa/runner'
import hash from '@adonisjs/core/services/hash'
import User from '#models/user'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { recipients, type SunkMail } from '#demo/smtp_sink'
import { solveCaptcha } from '#tests/helpers/captcha'
import { createStaff, loginStaff } from '#tests/helpers/staff'
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
import { mailsSettled } from '#tests/helpers/queues'

const NEW_PASSWORD = 'Frankfurter-Kranz-mit-Buttercreme-2026'
const SECOND_PASSWORD = 'Handkaes-mit-Musik-am-Mainufer-2027'

/* the page after a form, without what differs on every request */
const strip = (html: string) =>
  html
    .replace(/name=['"]_csrf['"] value=['"][^'"]*['"]/g, '')
    .replace(/nonce="[^"]*"/g, '')
    .replace(/content="[A-Za-z0-9+/=_-]{16,}"/g, '')

async function loggedIn(options: Parameters<typeof createMerchant>[0] = {}) {
  const merchant = await createMerchant(options)
  const agent = new Agent()
  await loginAs(agent, merchant.user.email, merchant.password)
  return { ...merchant, agent }
}

/** Asks for an e-mail change on the account page; returns the confirmation link's path. */
async function pendingEmailChange(agent: Agent, password: string, newEmail: string) {
  const response = await agent.post(
    '/account/email',
    { email: newEmail, current_password_email: password },
    { csrfFrom: '/account' }
  )
  assert302(response.status)
  const mail = await mailTo(newEmail, 'neue E-Mail-Adresse')
  return pathOf(linkIn(mail, '/account/email/confirm/'))
}

function assert302(status: number) {
  if (status !== 302) throw new Error(`expected a redirect, got ${status}`)
}

async function resetLink(email: string, customerNumber: string, after?: SunkMail) {
  const agent = new Agent()
  const altcha = await solveCaptcha(agent)
  await agent.post(
    '/forgot-password',
    { email, customer_number: customerNumber, altcha },
    { csrfFrom: '/forgot-password' }
  )
  const mail = await smtpSink.waitFor(
    (m) =>
      m !== after &&
      recipients(m).includes(email) &&
      (m.parsed.subject ?? '').includes('Neues Passwort')
  )
  return { path: pathOf(linkIn(mail, '/reset-password/')), mail }
}

async function setPasswordWith(path: string, password = NEW_PASSWORD) {
  const agent = new Agent()
  const form = await agent.get(path)
  if (form.status !== 200) return form
  return agent.post(path, { password, password_confirmation: password }, { csrfFrom: path })
}

async function register(fields: Record<string, string>) {
  const agent = new Agent()
  const password = fields.password ?? DEFAULT_PASSWORD
  const response = await agent.post(
    '/register',
    { password, password_confirmation: password, consent: 'on', ...fields },
    { csrfFrom: '/register' }
  )
  return { response, page: await agent.follow(response) }
}

/** The n-th (1-based) confirmation mail to the address, waiting for it. */
async function verifyMail(address: string, n: number) {
  const isVerify = (m: SunkMail) =>
    recipients(m).includes(address) &&
    (m.parsed.subject ?? '').includes('Bitte bestätigen Sie Ihre E-Mail-Adresse')
  await smtpSink.waitFor(() => smtpSink.mails.filter(isVerify).length >= n)
  return smtpSink.mails.filter(isVerify)[n - 1]
}

test.group('Kontowiederherstellung schließt jede Tür', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('a password reset cancels a pending e-mail change and the other reset links', async ({
    assert,
  }) => {
    const { agent, user, password, customers } = await loggedIn({ email: 'alt@example.com' })
    const confirm = await pendingEmailChange(agent, password, 'neu@example.com')

    const first = await resetLink(user.email, customers[0].customerNumber)
    const second = await resetLink(user.email, customers[0].customerNumber, first.mail)
    const done = await setPasswordWith(second.path)
    assert.equal(done.status, 302)
    await mailTo(user.email, 'Ihr Passwort wurde geändert')

    const refused = await new Agent().get(confirm)
    assert.equal(refused.status, 410)
    assert.include(refused.text, 'Link ungültig oder abgelaufen')
    assert.include(refused.text, 'Ihre E-Mail-Adresse wurde nicht geändert.')
    await user.refresh()
    assert.equal(user.email, 'alt@example.com')

    const oldReset = await new Agent().get(first.path)
    assert.equal(oldReset.status, 410)
    assert.include(oldReset.text, 'Link ungültig oder abgelaufen')
    await loginAs(new Agent(), 'alt@example.com', NEW_PASSWORD)
  })

  test('a password change on the account page cancels a pending e-mail change and reset links', async ({
    assert,
  }) => {
    const { agent, user, password, customers } = await loggedIn({ email: 'alt@example.com' })
    const confirm = await pendingEmailChange(agent, password, 'neu@example.com')
    const reset = await resetLink(user.email, customers[0].customerNumber)

    const changed = await agent.post(
      '/account/password',
      { current_password: password, password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD },
      { csrfFrom: '/account' }
    )
    const page = await agent.follow(changed)
    assert.include(page.text, 'Ihr Passwort wurde geändert.')
    assert.notInclude(page.text, 'Bestätigung ausstehend für neu@example.com')

    const refused = await new Agent().get(confirm)
    assert.equal(refused.status, 410)
    assert.include(refused.text, 'Link ungültig oder abgelaufen')
    const resetRefused = await new Agent().get(reset.path)
    assert.equal(resetRefused.status, 410)
    await user.refresh()
    assert.equal(user.email, 'alt@example.com')
    assert.isTrue(await hash.verify(user.password, NEW_PASSWORD))
  })

  test('a lock cancels a pending e-mail change; a reset link still lifts a failed-logins lock', async ({
    assert,
  }) => {
    const { agent, user, password, customers } = await loggedIn({ email: 'alt@example.com' })
    const confirm = await pendingEmailChange(agent, password, 'neu@example.com')

    for (let i = 0; i < 10; i++) {
      await new Agent().post(
        '/login',
        { email: user.email, password: 'falsch-geraten-123' },
        { csrfFrom: '/login' }
      )
    }
    await user.refresh()
    assert.equal(user.state, 'locked')
    await mailTo(user.email, 'gesperrt')

    const refused = await new Agent().get(confirm)
    assert.equal(refused.status, 410)
    assert.include(refused.text, 'Link ungültig oder abgelaufen')
    await user.refresh()
    assert.equal(user.email, 'alt@example.com')

    const reset = await resetLink(user.email, customers[0].customerNumber)
    assert.equal((await setPasswordWith(reset.path)).status, 302)
    await user.refresh()
    assert.equal(user.state, 'active')
    await loginAs(new Agent(), 'alt@example.com', NEW_PASSWORD)
  })

  test('a second registration replaces the unconfirmed one: its own link, its own password', async ({
    assert,
  }) => {
    const { customer, terminals } = await createCustomer({ terminals: 2 })
    const base = { email: 'laden@example.com', customer_number: customer.customerNumber }

    const first = await register({ ...base, terminal_id: terminals[0].terminalId })
    const firstLink = pathOf(linkIn(await verifyMail('laden@example.com', 1), '/verify-email/'))

    const second = await register({
      ...base,
      terminal_id: terminals[1].terminalId,
      password: SECOND_PASSWORD,
    })
    const secondLink = pathOf(linkIn(await verifyMail('laden@example.com', 2), '/verify-email/'))
    assert.notEqual(firstLink, secondLink)
    assert.equal(first.response.location, '/register/sent')
    assert.equal(second.response.location, '/register/sent')
    assert.equal(strip(second.page.text), strip(first.page.text), 'the same page either way')

    const refused = await new Agent().get(firstLink)
    assert.equal(refused.status, 410)
    assert.include(refused.text, 'Link ungültig oder abgelaufen')
    assert.equal(
      (await User.findByOrFail('email', 'laden@example.com')).state,
      'pending_verification'
    )

    const verified = await confirmLink(new Agent(), secondLink)
    assert.equal(verified.status, 200)
    assert.include(verified.text, 'Ihr Zugang ist freigeschaltet')

    const withFirst = await new Agent().post(
      '/login',
      { email: 'laden@example.com', password: DEFAULT_PASSWORD },
      { csrfFrom: '/login' }
    )
    assert.match(withFirst.location ?? '', /^\/login/, 'the first password does not log in')
    await loginAs(new Agent(), 'laden@example.com', SECOND_PASSWORD)

    const user = await User.findByOrFail('email', 'laden@example.com')
    await user.load('customers')
    assert.deepEqual(
      user.customers.map((c) => c.$extras.pivot_proof_terminal_id),
      [terminals[1].terminalId],
      'one link to the customer, with the second registration’s proof'
    )
  })

  test('a registration without proof leaves the unconfirmed one as it is', async ({ assert }) => {
    const { customer, terminals } = await createCustomer()
    const other = await createCustomer()
    const base = { email: 'laden@example.com', customer_number: customer.customerNumber }
    await register({ ...base, terminal_id: terminals[0].terminalId })
    const link = pathOf(linkIn(await verifyMail('laden@example.com', 1), '/verify-email/'))

    const unproven = await register({
      ...base,
      terminal_id: other.terminals[0].terminalId,
      password: SECOND_PASSWORD,
    })
    assert.equal(unproven.response.location, '/register/sent')
    await mailsSettled()
    assert.lengthOf(smtpSink.to('laden@example.com'), 1)

    assert.equal((await confirmLink(new Agent(), link)).status, 200)
    await loginAs(new Agent(), 'laden@example.com', DEFAULT_PASSWORD)
  })

  test('wrong current passwords on the account page lock the account after 10', async ({
    assert,
  }) => {
    const { agent, user } = await loggedIn()
    for (let i = 1; i <= 9; i++) {
      const response =
        i % 2
          ? await agent.post(
              '/account/password',
              {
                current_password: 'nicht-das-aktuelle',
                password: NEW_PASSWORD,
                password_confirmation: NEW_PASSWORD,
              },
              { csrfFrom: '/account' }
            )
          : await agent.post(
              '/account/email',
              { email: 'anders@example.com', current_password_email: 'nicht-das-aktuelle' },
              { csrfFrom: '/account' }
            )
      const page = await agent.follow(response)
      assert.include(page.text, 'Das aktuelle Passwort ist nicht korrekt.')
    }
    await user.refresh()
    assert.equal(user.state, 'active')
    assert.equal(user.failedLoginCount, 9)

    await agent.post(
      '/account/password',
      {
        current_password: 'nicht-das-aktuelle',
        password: NEW_PASSWORD,
        password_confirmation: NEW_PASSWORD,
      },
      { csrfFrom: '/account' }
    )
    await user.refresh()
    assert.equal(user.state, 'locked')
    assert.equal(user.lockReason, 'failed_logins')
    const mail = await mailTo(user.email, 'gesperrt')
    assert.include(mail.parsed.text ?? '', '/forgot-password')
    assert.match((await agent.get('/account')).location ?? '', /^\/login/, 'the session ended')
    assert.lengthOf(smtpSink.to('anders@example.com'), 0)
  })

  test('a right current password in between restarts the count', async ({ assert }) => {
    const { agent, user, password } = await loggedIn()
    const wrongEmailChange = (current: string) =>
      agent.post(
        '/account/email',
        { email: 'anders@example.com', current_password_email: current },
        { csrfFrom: '/account' }
      )
    for (let i = 0; i < 6; i++) await wrongEmailChange('nicht-das-aktuelle')
    await user.refresh()
    assert.equal(user.failedLoginCount, 6)
    await wrongEmailChange(password)
    await user.refresh()
    assert.equal(user.failedLoginCount, 0)
  })

  test('an unlock by support mails the merchant a login link, in the merchant’s language', async ({
    assert,
  }) => {
    const german = await createMerchant({ email: 'gesperrt@example.com', state: 'locked' })
    const english = await createMerchant({
      email: 'locked@example.com',
      state: 'locked',
      locale: 'en',
    })
    const agent = new Agent()
    await loginStaff(agent, await createStaff({ role: 'admin' }))
    for (const { user } of [german, english]) {
      const detail = `/admin/users/${user.id}`
      await agent.post(`${detail}/actions/unlock`, { confirmed: '1' }, { csrfFrom: detail })
      assert.equal((await User.findOrFail(user.id)).state, 'active')
    }

    const de = await mailTo('gesperrt@example.com', 'wieder freigeschaltet')
    assert.include(de.parsed.text ?? '', 'Anmelden')
    assert.match(linkIn(de, '/login'), /\/login$/)
    const en = await mailTo('locked@example.com', 'has been unlocked')
    assert.include(en.parsed.text ?? '', 'Log in')
    assert.match(linkIn(en, '/login'), /\/login$/)
    await loginAs(new Agent(), 'gesperrt@example.com', german.password)
  })

  test('a decommissioned or inactive terminal proves nothing: registration', async ({ assert }) => {
    const { customer, terminals } = await createCustomer({
      terminals: [{ status: 'decommissioned' }, { status: 'inactive' }, { status: 'active' }],
    })
    const answers = []
    for (const [i, terminal] of terminals.entries()) {
      answers.push(
        await register({
          email: `tid${i}@example.com`,
          customer_number: customer.customerNumber,
          terminal_id: terminal.terminalId,
        })
      )
    }
    for (const answer of answers) {
      assert.equal(answer.response.location, '/register/sent')
      assert.equal(strip(answer.page.text), strip(answers[2].page.text))
    }
    assert.isNull(await User.findBy('email', 'tid0@example.com'))
    assert.isNull(await User.findBy('email', 'tid1@example.com'))
    assert.isNotNull(await User.findBy('email', 'tid2@example.com'))
    await verifyMail('tid2@example.com', 1)
    assert.lengthOf(smtpSink.to('tid0@example.com'), 0)
    assert.lengthOf(smtpSink.to('tid1@example.com'), 0)
  })

  test('a decommissioned or inactive terminal proves nothing: „Kundennummer hinzufügen“', async ({
    assert,
  }) => {
    const { agent, user } = await loggedIn()
    const second = await createCustomer({
      terminals: [{ status: 'decommissioned' }, { status: 'inactive' }],
    })
    for (const terminal of second.terminals) {
      const response = await agent.post(
        '/account/customers',
        { customer_number: second.customer.customerNumber, terminal_id: terminal.terminalId },
        { csrfFrom: '/account' }
      )
      const page = await agent.follow(response)
      assert.include(page.text, 'Kundennummer und Terminal-ID passen nicht zusammen.')
    }
    await user.load('customers')
    assert.lengthOf(user.customers, 1)
  })
})
