import { test } from '@japa/runner'
import logger from '@adonisjs/core/services/logger'
import Ticket from '#models/ticket'
import TicketMessage from '#models/ticket_message'
import User from '#models/user'
import { Agent } from '#tests/helpers/agent'
import { solveCaptcha } from '#tests/helpers/captcha'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { recipients, type SunkMail } from '#demo/smtp_sink'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { createStaff, loginStaff } from '#tests/helpers/staff'
import {
  databaseText,
  holdingDigits,
  logOffset,
  logTextSince,
  logTextFlushed,
  redisText,
} from '#tests/helpers/stored_text'

/* A Luhn-valid card number used by no other test. */
const PAN = '4556191207311041'
const NOTICE_DE = 'Sie haben eine Kartennummer eingegeben. Zum Schutz der Karte'
const NOTICE_EN = 'You entered a card number. To protect it we masked it'

/** The PAN written with `separator` between groups of 4. */
const written = (separator: string) => PAN.match(/\d{4}/g)!.join(separator)

/** What the writer gets to see instead: digits 7–12 as `*`, separators kept. */
function maskedForm(text: string) {
  let digit = 0
  return text.replace(/\d/g, (d) => (digit++ >= 6 && digit <= 12 ? '*' : d))
}

/** Mail parts as one list of texts. */
const mailTexts = (mail: SunkMail) => [
  mail.parsed.subject ?? '',
  mail.parsed.text ?? '',
  mail.parsed.html || '',
]

let sequence = 0
/* no long digit run: 13 digits of Date.now() would themselves be masked one time in ten */
const uniqueEmail = () => `karte${++sequence}-${Date.now().toString(36)}@example.com`

test.group('Card numbers in free text: masked before anything keeps them', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('contact form, admin view, receipt and reply mails with the PAN {title}')
    .with([
      { title: 'in groups with spaces', separator: ' ' },
      { title: 'in groups with dashes', separator: '-' },
      { title: 'in groups with dots', separator: '.' },
      { title: 'in groups with slashes', separator: '/' },
      { title: 'in groups with underscores', separator: '_' },
      { title: 'in groups with commas', separator: ',' },
      { title: 'in groups with " - "', separator: ' - ' },
      { title: 'written plainly', separator: '' },
    ])
    .run(async ({ assert }, { separator }) => {
      const offset = await logOffset()
      const form = written(separator)
      const masked = maskedForm(form)
      const email = uniqueEmail()
      const message = `Meine Karte ${form} wurde am 12.11. doppelt belastet.`

      /* a first attempt fails validation: the form comes back with the masked text */
      const visitor = new Agent()
      const refused = await visitor.post(
        '/contact',
        {
          name: 'Erika Mustermann',
          email: 'kein-at',
          category: 'invoice',
          message,
          altcha: await solveCaptcha(visitor),
        },
        { csrfFrom: '/contact' }
      )
      assert.equal(refused.location, '/contact')
      /* the typed text waits in the session (Redis) to refill the form: masked */
      assert.deepEqual(holdingDigits(await redisText(), PAN), [])
      assert.isNotEmpty((await redisText()).filter((value) => value.includes(masked)))
      const again = await visitor.follow(refused)
      assert.include(again.text, NOTICE_DE)
      assert.include(again.text, masked)
      assert.lengthOf(holdingDigits([again.text], PAN), 0)

      /* then it goes through: the ticket holds the masked number, the writer is told */
      const sent = await visitor.post(
        '/contact',
        {
          name: `Erika Mustermann ${form}`,
          email,
          category: 'invoice',
          message,
          altcha: await solveCaptcha(visitor),
        },
        { csrfFrom: '/contact' }
      )
      assert.equal(sent.location, '/contact/sent')
      const sentPage = await visitor.follow(sent)
      assert.include(sentPage.text, NOTICE_DE)
      const ticket = await Ticket.query().where('email', email).firstOrFail()
      assert.equal(ticket.name, `Erika Mustermann ${masked}`)
      const first = await TicketMessage.findByOrFail('ticket_id', ticket.id)
      assert.equal(first.body, `Meine Karte ${masked} wurde am 12.11. doppelt belastet.`)

      const receipt = await smtpSink.waitFor((m) => recipients(m).includes(email))
      assert.include(receipt.parsed.subject ?? '', ticket.reference!)
      assert.lengthOf(holdingDigits(mailTexts(receipt), PAN), 0)

      /* the agent sees the masked number; a number in the reply is masked as well */
      const staff = new Agent()
      await loginStaff(staff, await createStaff())
      const view = await staff.get(`/admin/tickets/${ticket.id}`)
      assert.include(view.text, `Meine Karte ${masked} wurde`)
      assert.lengthOf(holdingDigits([view.text], PAN), 0)

      const reply = await staff.post(
        `/admin/tickets/${ticket.id}/reply`,
        { body: `Wir haben die Zahlung mit der Karte ${form} geprüft.` },
        { csrfFrom: `/admin/tickets/${ticket.id}` }
      )
      assert.equal(reply.location, `/admin/tickets/${ticket.id}`)
      const afterReply = await staff.follow(reply)
      assert.include(afterReply.text, NOTICE_DE)
      assert.include(afterReply.text, `mit der Karte ${masked} geprüft.`)
      const replyMail = await smtpSink.waitFor(
        (m) => recipients(m).includes(email) && (m.parsed.subject ?? '').includes('Antwort')
      )
      assert.include(replyMail.parsed.text ?? '', `mit der Karte ${masked} geprüft.`)
      assert.include(replyMail.parsed.text ?? '', `Meine Karte ${masked} wurde`)
      assert.lengthOf(holdingDigits(mailTexts(replyMail), PAN), 0)

      /* nothing kept anywhere holds the full number */
      assert.deepEqual(holdingDigits(await databaseText(), PAN), [])
      assert.deepEqual(holdingDigits(await redisText(), PAN), [])
      assert.deepEqual(holdingDigits([await logTextFlushed(offset)], PAN), [])
    })
    .timeout(60_000)

  test('the notice speaks the writer’s language', async ({ assert }) => {
    const visitor = new Agent({ 'accept-language': 'en' })
    const sent = await visitor.post(
      '/contact',
      {
        name: 'Jane Doe',
        email: uniqueEmail(),
        category: 'other',
        message: `Card ${written(' ')} was charged twice.`,
        altcha: await solveCaptcha(visitor),
      },
      { csrfFrom: '/contact' }
    )
    const page = await visitor.follow(sent)
    assert.include(page.text, NOTICE_EN)
    assert.notInclude(page.text, NOTICE_DE)
    /* a text without a card number gets no notice */
    const plain = await visitor.post(
      '/contact',
      {
        name: 'Jane Doe',
        email: uniqueEmail(),
        category: 'other',
        message: 'Terminal 60000001 prints no receipts since 12.11.2026.',
        altcha: await solveCaptcha(visitor),
      },
      { csrfFrom: '/contact' }
    )
    assert.notInclude((await visitor.follow(plain)).text, NOTICE_EN)
  })

  test('account fields: a card number in the name is masked, passwords are left alone', async ({
    assert,
  }) => {
    const merchant = await createMerchant()
    const agent = new Agent()
    await loginAs(agent, merchant.user.email, merchant.password)
    const response = await agent.post(
      '/account/profile',
      { full_name: `Max ${written('-')}`, phone: '+49 151 12345678', locale: 'de' },
      { csrfFrom: '/account' }
    )
    const page = await agent.follow(response)
    assert.include(page.text, NOTICE_DE)
    const user = await User.findOrFail(merchant.user.id)
    assert.equal(user.fullName, `Max ${maskedForm(written('-'))}`)
    /* a phone number written with + is no card number */
    assert.equal(user.phone, '+49 151 12345678')

    /* a password that holds the digits is checked as typed (never stored, never shown) */
    const wrong = await agent.post(
      '/account/password',
      {
        current_password: `falsch-${PAN}`,
        password: `Neu-${PAN}-Passwort`,
        password_confirmation: `Neu-${PAN}-Passwort`,
      },
      { csrfFrom: '/account' }
    )
    assert.notInclude((await agent.follow(wrong)).text, NOTICE_DE)
    assert.deepEqual(holdingDigits(await redisText(), PAN), [])
  })

  test('a card number in the query string, in a JSON body, or hidden by many blanks is masked too', async ({
    assert,
  }) => {
    const form = written(' ')
    const masked = maskedForm(form)

    /* the query string is merged over the form body: its value is the one that counts */
    const byQuery = new Agent()
    const first = uniqueEmail()
    const sent = await byQuery.post(
      `/contact?name=${encodeURIComponent(`Erika ${form}`)}`,
      {
        name: 'Erika',
        email: first,
        category: 'invoice',
        message: 'Bitte rufen Sie mich wegen der Rechnung zurück.',
        altcha: await solveCaptcha(byQuery),
      },
      { csrfFrom: '/contact' }
    )
    assert.equal(sent.location, '/contact/sent')
    assert.include((await byQuery.follow(sent)).text, NOTICE_DE)
    const fromQuery = await Ticket.query().where('email', first).firstOrFail()
    assert.equal(fromQuery.name, `Erika ${masked}`)

    /* a JSON body to the same form; the customer number with more blanks than one number has */
    const byJson = new Agent()
    const second = uniqueEmail()
    const csrf = await byJson.csrf('/contact')
    const json = await byJson.request('POST', '/contact', {
      json: {
        _csrf: csrf,
        name: 'Erika Mustermann',
        email: second,
        category: 'invoice',
        customerNumber: PAN.match(/\d{4}/g)!.join('    '),
        message: `Meine Karte ${PAN} wurde doppelt belastet.`,
        altcha: await solveCaptcha(byJson),
      },
    })
    assert.equal(json.location, '/contact/sent')
    const fromJson = await Ticket.query().where('email', second).firstOrFail()
    assert.equal(fromJson.customerNumber, maskedForm(PAN))
    const message = await TicketMessage.findByOrFail('ticket_id', fromJson.id)
    assert.equal(message.body, `Meine Karte ${maskedForm(PAN)} wurde doppelt belastet.`)

    assert.deepEqual(holdingDigits(await databaseText(), PAN), [])
    assert.deepEqual(holdingDigits(await redisText(), PAN), [])
  })

  test('a card number in a logged message or error is masked in the log file', async ({
    assert,
  }) => {
    const offset = await logOffset()
    /* no digit run in the marker: Date.now() has 13 digits and is Luhn-valid one time in ten,
       so the log would mask the marker itself */
    const marker = `log-check-${Date.now().toString(36)}`
    logger.error(new Error(`${marker}: card ${written(' ')} in an error`), 'failed')
    logger.error({ err: `${marker}: card ${PAN} as a field`, job: { reason: PAN } }, 'failed')
    logger.warn(`${marker}: card ${PAN} in a message`)
    let text = ''
    /* the warn line is written after the error line: once it is complete, both are there */
    const complete = () => new RegExp(`${marker}: card [^\\n]* in a message[^\\n]*\\n`).test(text)
    /* the file target writes from its own thread: give a loaded machine up to 30 s */
    for (let i = 0; i < 300 && !complete(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      text = await logTextSince(offset)
    }
    assert.include(text, `${marker}: card ${maskedForm(written(' '))} in an error`)
    assert.include(text, `${marker}: card ${maskedForm(PAN)} in a message`)
    assert.include(text, `${marker}: card ${maskedForm(PAN)} as a field`)
    assert.deepEqual(holdingDigits([text], PAN), [])
  })
})
