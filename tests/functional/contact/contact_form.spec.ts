import { test } from '@japa/runner'
import Ticket from '#models/ticket'
import TicketMessage from '#models/ticket_message'
import { Agent } from '#tests/helpers/agent'
import { solveCaptcha } from '#tests/helpers/captcha'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { recipients } from '#demo/smtp_sink'
import { createMerchant, loginAs } from '#tests/helpers/auth'

let sequence = 0
/* base 36: 13 digits of Date.now() would be masked as a card number one time in five */
const uniqueEmail = () => `anfrage${++sequence}-${Date.now().toString(36)}@example.com`

function form(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Erika Mustermann',
    email: uniqueEmail(),
    customerNumber: 'L1000001',
    category: 'account_locked',
    message: 'Mein Zugang ist gesperrt, bitte entsperren Sie ihn.',
    ...overrides,
  }
}

const ticketCount = async () => Number((await Ticket.query().count('* as n'))[0].$extras.n)

test.group('Contact form „Jetzt kontaktieren“', (group) => {
  group.each.setup(() => resetState())

  test('the form shows the categories, the support phone and hours, and pre-selects a category', async ({
    assert,
  }) => {
    const page = await new Agent().get('/contact?category=account_locked')
    assert.equal(page.status, 200)
    assert.include(page.text, 'Jetzt kontaktieren')
    for (const label of [
      'Zugang gesperrt',
      'Registrierung',
      'Rechnung',
      'Stammdaten ändern',
      'Sonstiges',
    ]) {
      assert.include(page.text, label)
    }
    assert.match(page.text, /<option value="account_locked"\s+selected/)
    assert.include(page.text, '069 6630 55 00')
    assert.include(page.text, 'Mo–Fr 8–18 Uhr')
    /* in English: the hours as the operator wrote them for English readers, page and footer */
    const english = await new Agent({ 'accept-language': 'en' }).get('/contact')
    assert.include(english.text, 'Mon–Fri 8 am–6 pm')
    assert.notInclude(english.text, 'Mo–Fr 8–18 Uhr')
    assert.include(page.text, '<altcha-widget')
    for (const id of ['name', 'email', 'customerNumber', 'category', 'message']) {
      assert.include(page.text, `<label for="${id}">`)
    }
  })

  test('a good request opens a ticket, shows its reference and mails a receipt', async ({
    assert,
  }) => {
    const agent = new Agent()
    const data = form()
    const response = await agent.post(
      '/contact',
      { ...data, altcha: await solveCaptcha(agent) },
      { csrfFrom: '/contact' }
    )
    assert.equal(response.location, '/contact/sent')
    const page = await agent.follow(response)
    const ticket = await Ticket.query().firstOrFail()
    const year = new Date().getFullYear()
    assert.match(ticket.reference!, new RegExp(`^T-${year}-\\d{6}$`))
    assert.equal(ticket.reference, `T-${year}-${String(ticket.id).padStart(6, '0')}`)
    assert.include(page.text, ticket.reference!)
    assert.include(page.text, '069 6630 55 00')
    assert.equal(ticket.email, data.email)
    assert.equal(ticket.customerNumber, 'L1000001')
    assert.equal(ticket.category, 'account_locked')
    assert.equal(ticket.status, 'open')
    assert.isNull(ticket.userId)
    const message = await TicketMessage.findByOrFail('ticket_id', ticket.id)
    assert.equal(message.body, data.message)

    const mail = await smtpSink.waitFor((m) => recipients(m).includes(data.email))
    assert.include(mail.parsed.subject ?? '', ticket.reference!)
    assert.include(mail.parsed.text ?? '', ticket.reference!)
    assert.include(mail.parsed.text ?? '', 'Zugang gesperrt')
    assert.include(mail.parsed.html || '', '069 6630 55 00')
    /* the receipt never echoes what the sender typed */
    assert.notInclude(mail.parsed.text ?? '', data.message)
    /* the reference is shown once: a reload goes back to the form */
    assert.equal((await agent.get('/contact/sent')).location, '/contact')
  })

  test('without a captcha solution → refused, no ticket', async ({ assert }) => {
    const agent = new Agent()
    const response = await agent.post('/contact', form(), { csrfFrom: '/contact' })
    assert.equal(response.location, '/contact')
    const page = await agent.follow(response)
    assert.include(page.text, 'Bitte bestätigen Sie, dass Sie ein echter Nutzer sind.')
    /* the typed values are kept */
    assert.include(page.text, 'Mein Zugang ist gesperrt')
    assert.equal(await ticketCount(), 0)
  })

  test('with a replayed captcha solution → refused, no second ticket', async ({ assert }) => {
    const agent = new Agent()
    const altcha = await solveCaptcha(agent)
    const first = await agent.post('/contact', { ...form(), altcha }, { csrfFrom: '/contact' })
    assert.equal(first.location, '/contact/sent')
    const replay = await agent.post('/contact', { ...form(), altcha }, { csrfFrom: '/contact' })
    assert.equal(replay.location, '/contact')
    const page = await agent.follow(replay)
    assert.include(page.text, 'Die Sicherheitsprüfung ist abgelaufen oder ungültig.')
    assert.equal(await ticketCount(), 1)
  })

  test('over the per-e-mail throttle → refused, no ticket', async ({ assert }) => {
    const agent = new Agent()
    const email = uniqueEmail()
    for (let i = 0; i < 5; i++) {
      const ok = await agent.post(
        '/contact',
        { ...form({ email }), altcha: await solveCaptcha(agent) },
        { csrfFrom: '/contact' }
      )
      assert.equal(ok.location, '/contact/sent')
    }
    const over = await agent.post(
      '/contact',
      { ...form({ email }), altcha: await solveCaptcha(agent) },
      { csrfFrom: '/contact' }
    )
    assert.equal(over.location, '/contact')
    const page = await agent.follow(over)
    assert.include(page.text, 'zu viele Anfragen')
    assert.equal(await ticketCount(), 5)
  })

  test('over the per-IP throttle → refused, no ticket', async ({ assert }) => {
    const agent = new Agent()
    for (let i = 0; i < 10; i++) {
      await agent.post(
        '/contact',
        { ...form(), altcha: await solveCaptcha(agent) },
        { csrfFrom: '/contact' }
      )
    }
    assert.equal(await ticketCount(), 10)
    const over = await agent.post(
      '/contact',
      { ...form(), altcha: await solveCaptcha(agent) },
      { csrfFrom: '/contact' }
    )
    assert.equal(over.location, '/contact')
    assert.equal(await ticketCount(), 10)
  })

  test('a message over 5,000 characters or a bad e-mail is refused', async ({ assert }) => {
    const agent = new Agent()
    const long = await agent.post(
      '/contact',
      { ...form({ message: 'x'.repeat(5001) }), altcha: await solveCaptcha(agent) },
      { csrfFrom: '/contact' }
    )
    assert.equal(long.status, 302)
    const page = await agent.follow(long)
    assert.include(page.text, 'höchstens 5000 Zeichen lang sein')
    const exact = await agent.post(
      '/contact',
      { ...form({ message: 'y'.repeat(5000) }), altcha: await solveCaptcha(agent) },
      { csrfFrom: '/contact' }
    )
    assert.equal(exact.location, '/contact/sent')
    const badMail = await agent.post(
      '/contact',
      { ...form({ email: 'kein-at' }), altcha: await solveCaptcha(agent) },
      { csrfFrom: '/contact' }
    )
    assert.notEqual(badMail.location, '/contact/sent')
    assert.equal(await ticketCount(), 1)
  })

  test('a CSRF-less post is refused', async ({ assert }) => {
    const agent = new Agent()
    await agent.get('/contact')
    const response = await agent.postWithoutCsrf('/contact', {
      ...form(),
      altcha: await solveCaptcha(agent),
    })
    assert.notEqual(response.location, '/contact/sent')
    assert.equal(await ticketCount(), 0)
  })

  test('a logged-in merchant’s request is linked to the user', async ({ assert }) => {
    const merchant = await createMerchant()
    const agent = new Agent()
    await loginAs(agent, merchant.user.email, merchant.password)
    const page = await agent.get('/contact')
    assert.include(page.text, merchant.user.email)
    const response = await agent.post(
      '/contact',
      {
        ...form({ email: merchant.user.email, category: 'invoice' }),
        altcha: await solveCaptcha(agent),
      },
      { csrfFrom: '/contact' }
    )
    assert.equal(response.location, '/contact/sent')
    const ticket = await Ticket.query().firstOrFail()
    assert.equal(ticket.userId, merchant.user.id)
  })

  test('English visitors get an English form and receipt', async ({ assert }) => {
    const agent = new Agent({ 'accept-language': 'en' })
    const page = await agent.get('/contact')
    assert.include(page.text, 'Account locked')
    const data = form()
    await agent.post(
      '/contact',
      { ...data, altcha: await solveCaptcha(agent) },
      { csrfFrom: '/contact' }
    )
    const mail = await smtpSink.waitFor((m) => recipients(m).includes(data.email))
    assert.include(mail.parsed.subject ?? '', 'We have received your request')
  })
})
