import { DateTime } from 'luxon'
import { Socket } from 'node:net'
import { test } from '@japa/runner'
import nodemailer from 'nodemailer'
import TicketMessage from '#models/ticket_message'
import { resetState } from '#tests/helpers/db'
import { createMerchant, linkIn, loginAs, mailTo, pathOf, confirmLink } from '#tests/helpers/auth'
import { Agent } from '#tests/helpers/agent'
import { createStaff, loginStaff } from '#tests/helpers/staff'
import { smtpSink } from '#tests/helpers/services'
import db from '@adonisjs/lucid/services/db'
import { isAlive } from '#tests/helpers/processes'
import { startListener, terminate, type Listener } from '#tests/helpers/inbound'
import { TicketService } from '#services/admin/ticket_service'
import { replyAddressOf } from '#services/tickets/reply_address'
import { replyText } from '#services/inbound/reply_text'

/* ---------------------------------------------------------------- raw SMTP client */

type Reply = { code: number; text: string }

class SmtpClient {
  #buffer = ''
  #replies: Reply[] = []
  #waiting: ((reply: Reply) => void)[] = []
  #closed = false

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8')
    socket.on('data', (data: string) => {
      this.#buffer += data
      let end: number
      let lines: string[] = []
      while ((end = this.#buffer.indexOf('\r\n')) !== -1) {
        const line = this.#buffer.slice(0, end)
        this.#buffer = this.#buffer.slice(end + 2)
        lines.push(line)
        if (line[3] !== '-') {
          this.#push({ code: Number(line.slice(0, 3)), text: lines.join('\n') })
          lines = []
        }
      }
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      this.#closed = true
      for (const waiter of this.#waiting.splice(0)) waiter({ code: 0, text: 'connection closed' })
    })
  }

  #push(reply: Reply) {
    const waiter = this.#waiting.shift()
    if (waiter) waiter(reply)
    else this.#replies.push(reply)
  }

  static async connect(port: number) {
    const socket = new Socket()
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.connect(port, '127.0.0.1', () => resolve())
    })
    const client = new SmtpClient(socket)
    const greeting = await client.reply()
    if (greeting.code !== 220) throw new Error(`greeting: ${greeting.text}`)
    return client
  }

  reply(timeoutMs = 30_000): Promise<Reply> {
    const ready = this.#replies.shift()
    if (ready) return Promise.resolve(ready)
    if (this.#closed) return Promise.resolve({ code: 0, text: 'connection closed' })
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no SMTP reply')), timeoutMs)
      this.#waiting.push((reply) => {
        clearTimeout(timer)
        resolve(reply)
      })
    })
  }

  async command(line: string) {
    this.socket.write(`${line}\r\n`)
    return this.reply()
  }

  /** Writes the message (dot-stuffed) and the final dot, honouring back-pressure. */
  async data(content: string | Buffer) {
    const start = await this.command('DATA')
    if (start.code !== 354) return start
    const text = Buffer.isBuffer(content) ? content : Buffer.from(content)
    const stuffed = Buffer.from(
      text.toString('latin1').replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..'),
      'latin1'
    )
    const CHUNK = 256 * 1024
    for (let offset = 0; offset < stuffed.length; offset += CHUNK) {
      if (!this.socket.write(stuffed.subarray(offset, offset + CHUNK))) {
        await new Promise((resolve) => this.socket.once('drain', resolve))
      }
    }
    this.socket.write(stuffed.subarray(-2).toString() === '\r\n' ? '.\r\n' : '\r\n.\r\n')
    return this.reply(60_000)
  }

  async quit() {
    if (!this.#closed) {
      this.socket.write('QUIT\r\n')
      this.socket.end()
    }
  }
}

type Sent = { mailFrom: Reply; rcpt: Reply[]; data?: Reply }

/** One mail over a fresh connection, answered step by step. */
async function sendRaw(
  port: number,
  mail: { from: string; to: string[]; message: string | Buffer }
): Promise<Sent> {
  const client = await SmtpClient.connect(port)
  try {
    await client.command('EHLO client.example.com')
    const mailFrom = await client.command(`MAIL FROM:<${mail.from}>`)
    if (mailFrom.code !== 250) return { mailFrom, rcpt: [] }
    const rcpt: Reply[] = []
    for (const to of mail.to) rcpt.push(await client.command(`RCPT TO:<${to}>`))
    if (!rcpt.some((reply) => reply.code === 250)) return { mailFrom, rcpt }
    return { mailFrom, rcpt, data: await client.data(mail.message) }
  } finally {
    await client.quit()
  }
}

function message(headers: Record<string, string>, body: string) {
  const lines = Object.entries({
    'Date': new Date().toUTCString(),
    'Message-ID': `<${Math.random().toString(36).slice(2)}@client.example.com>`,
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Transfer-Encoding': '8bit',
    ...headers,
  }).map(([name, value]) => `${name}: ${value}`)
  return `${lines.join('\r\n')}\r\n\r\n${body}`
}

/** A plain reply (`From:` = envelope sender, subject „AW“) to one reply address. */
function replyFrom(port: number, from: string, address: string, text: string) {
  return sendRaw(port, {
    from,
    to: [address],
    message: message({ From: from, To: address, Subject: 'AW' }, text),
  })
}

/* ---------------------------------------------------------------- data */

const MERCHANT = 'erika@example.com'

async function answeredTicket(email = MERCHANT) {
  const ticket = await TicketService.open({
    name: 'Erika Mustermann',
    email,
    customerNumber: null,
    category: 'invoice',
    message: 'Die Rechnung für November stimmt nicht.',
    userId: null,
    locale: 'de',
  })
  ticket.status = 'answered'
  await ticket.save()
  return { ticket, address: await replyAddressOf(ticket) }
}

function mailMessages(ticketId: number) {
  return TicketMessage.query().where('ticket_id', ticketId).where('channel', 'mail').orderBy('id')
}

const GERMAN_QUOTE = [
  'Hallo,',
  '',
  'die Rechnung stimmt jetzt, vielen Dank.',
  '',
  '-- ',
  'Erika Mustermann',
  'Pizzeria Roma · Tel. 030 123456',
  '',
  'Am 02.12.2026 um 10:00 schrieb Kundenportal <kundenportal@example.com>:',
  '> Guten Tag Frau Mustermann,',
  '> wir haben die Rechnung korrigiert.',
].join('\n')

const OUTLOOK_QUOTE = [
  'Danke, dann warte ich auf die Gutschrift.',
  '',
  'Mit freundlichen Grüßen',
  'Erika',
  '',
  '-----Ursprüngliche Nachricht-----',
  'Von: Kundenportal <kundenportal@example.com>',
  'Gesendet: Mittwoch, 2. Dezember 2026 10:00',
  'An: erika@example.com',
  'Betreff: AW: Ihre Anfrage T-2026-000001',
  '',
  'Guten Tag Frau Mustermann, wir schreiben Ihnen eine Gutschrift.',
].join('\n')

/* ---------------------------------------------------------------- tests */

test.group('Reply text', () => {
  test('quoted history and signatures are stripped', ({ assert }) => {
    assert.equal(replyText(GERMAN_QUOTE), 'Hallo,\n\ndie Rechnung stimmt jetzt, vielen Dank.')
    assert.equal(
      replyText(OUTLOOK_QUOTE),
      'Danke, dann warte ich auf die Gutschrift.\n\nMit freundlichen Grüßen\nErika'
    )
    /* a German attribution wrapped over two lines (Gmail) */
    assert.equal(
      replyText(
        'Passt.\n\nAm Mi., 2. Dez. 2026 um 10:00 Uhr schrieb Kundenportal\n<kundenportal@example.com>:\n\n> alt\n'
      ),
      'Passt.'
    )
    /* Outlook without the dashed line */
    assert.equal(
      replyText(
        'Ok.\n\nVon: Kundenportal <k@example.com>\nGesendet: Mittwoch, 2. Dezember 2026\nAn: e@example.com\n\nalt'
      ),
      'Ok.'
    )
    assert.equal(
      replyText('Ok.\n\n________________________________\nFrom: X\nSent: now\n\nold'),
      'Ok.'
    )
    assert.equal(replyText('Meine Antwort\n> zitiert\n> mehr\n'), 'Meine Antwort')
    assert.equal(
      replyText('Antwort oben.\nOn Wed, Dec 2, 2026 at 10:00 AM Portal <p@x.de> wrote:\n> old'),
      'Antwort oben.'
    )
    assert.equal(replyText('> nur Zitat\n> sonst nichts'), '')
    /* the merchant's own words that merely look similar stay */
    assert.equal(
      replyText('Am Montag bin ich im Laden.\nVon: Montag bis Freitag'),
      'Am Montag bin ich im Laden.\nVon: Montag bis Freitag'
    )
    assert.isAtMost(replyText('x'.repeat(50_000)).length, 10_010)
  })
})

test.group('Inbound mail listener', (group) => {
  let listener: Listener

  group.setup(async () => {
    listener = await startListener()
    return async () => {
      await terminate(listener.child)
    }
  })
  group.each.setup(() => resetState())
  group.each.timeout(120_000)

  test('a reply to the reply address lands in the ticket, stripped, and reopens it', async ({
    assert,
  }) => {
    const { ticket, address } = await answeredTicket()
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: listener.port,
      secure: false,
      ignoreTLS: true,
    })
    const info = await transport.sendMail({
      from: `Erika Mustermann <${MERCHANT}>`,
      to: address,
      subject: `AW: Ihre Anfrage ${ticket.reference}`,
      text: GERMAN_QUOTE,
    })
    transport.close()
    assert.deepEqual(info.accepted, [address])

    const messages = await mailMessages(ticket.id)
    assert.lengthOf(messages, 1)
    assert.equal(messages[0].body, 'Hallo,\n\ndie Rechnung stimmt jetzt, vielen Dank.')
    assert.equal(messages[0].authorType, 'requester')
    assert.isFalse(Boolean(messages[0].internal))
    assert.isNull(messages[0].userId)
    await ticket.refresh()
    assert.equal(ticket.status, 'open')
    assert.isNotNull(ticket.lastRequesterMessageAt)
    assert.notInclude(listener.output(), 'die Rechnung stimmt jetzt')
  })

  test('German Outlook history is stripped; HTML-only mail is stored as text', async ({
    assert,
  }) => {
    const { ticket, address } = await answeredTicket()
    const outlook = await sendRaw(listener.port, {
      from: MERCHANT,
      to: [address],
      message: message(
        {
          From: `"Mustermann, Erika" <${MERCHANT.toUpperCase()}>`,
          To: address,
          Subject: 'AW: Anfrage',
        },
        OUTLOOK_QUOTE
      ),
    })
    assert.equal(outlook.data?.code, 250, outlook.data?.text)

    const html = await sendRaw(listener.port, {
      from: MERCHANT,
      to: [address],
      message: message(
        {
          'From': MERCHANT,
          'To': address,
          'Subject': 'AW',
          'Content-Type': 'text/html; charset=utf-8',
        },
        '<div>Bitte <b>rufen</b> Sie mich an. <script>alert(1)</script></div>' +
          '<div>Am 02.12.2026 um 10:00 schrieb Kundenportal &lt;kundenportal@example.com&gt;:</div>' +
          '<blockquote>alte Nachricht</blockquote>'
      ),
    })
    assert.equal(html.data?.code, 250, html.data?.text)

    const messages = await mailMessages(ticket.id)
    assert.lengthOf(messages, 2)
    assert.equal(
      messages[0].body,
      'Danke, dann warte ich auf die Gutschrift.\n\nMit freundlichen Grüßen\nErika'
    )
    assert.include(messages[1].body, 'Bitte rufen Sie mich an.')
    assert.notInclude(messages[1].body, '<')
    assert.notInclude(messages[1].body, 'alert')
    assert.notInclude(messages[1].body, 'alte Nachricht')
  })

  test('an unknown or forged reply address is refused at RCPT and nothing is stored', async ({
    assert,
  }) => {
    const { ticket, address } = await answeredTicket()
    const before = await TicketMessage.query().where('ticket_id', ticket.id)
    const domain = address.slice(address.indexOf('@'))
    const forged = address.replace(/\.([a-z2-7]{26})@/, `.${'a'.repeat(26)}@`)
    assert.notEqual(forged, address)

    for (const to of [
      `unbekannt${domain}`,
      `antwort+t-2026-999999.${'b'.repeat(26)}${domain}`,
      forged,
    ]) {
      const sent = await sendRaw(listener.port, {
        from: MERCHANT,
        to: [to],
        message: message({ From: MERCHANT, To: to, Subject: 'AW' }, 'Hallo'),
      })
      assert.equal(sent.rcpt[0].code, 550, to)
      assert.include(sent.rcpt[0].text, '5.1.1')
      assert.isUndefined(sent.data)
    }
    const after = await TicketMessage.query().where('ticket_id', ticket.id)
    assert.equal(after.length, before.length)
    await ticket.refresh()
    assert.equal(ticket.status, 'answered')
  })

  test('a sender who does not belong to the ticket is refused', async ({ assert }) => {
    const { ticket, address } = await answeredTicket()
    const sent = await replyFrom(listener.port, 'mallory@evil.example', address, 'Neue IBAN: …')
    assert.equal(sent.rcpt[0].code, 250)
    assert.equal(sent.data?.code, 550)
    assert.include(sent.data!.text, 'Sender not allowed')
    assert.lengthOf(await mailMessages(ticket.id), 0)
  })

  test('the owner of the ticket’s customer may reply from their own address, an accountant may not', async ({
    assert,
  }) => {
    const { user: owner, customers } = await createMerchant({
      email: 'inhaber@example.com',
      fullName: 'Otto Inhaber',
    })
    const { user: accountant } = await createMerchant({ email: 'buchhaltung@example.com' })
    await db.table('customer_user').insert({
      user_id: accountant.id,
      customer_id: customers[0].id,
      role: 'accountant',
      proven_by: 'support',
      created_at: new Date(),
    })
    const { ticket, address } = await answeredTicket('kontakt@example.com')
    ticket.customerId = customers[0].id
    await ticket.save()

    const fromAccountant = await sendRaw(listener.port, {
      from: accountant.email,
      to: [address],
      message: message(
        { From: accountant.email, To: address, Subject: 'AW' },
        'Von der Buchhaltung'
      ),
    })
    assert.equal(fromAccountant.data?.code, 550)
    const fromOwner = await sendRaw(listener.port, {
      from: owner.email,
      to: [address],
      message: message({ From: owner.email, To: address, Subject: 'AW' }, 'Vom Inhaber'),
    })
    assert.equal(fromOwner.data?.code, 250)
    const stored = await mailMessages(ticket.id)
    assert.deepEqual(
      stored.map((row) => row.body),
      ['Vom Inhaber']
    )
    /* support sees who wrote it: the owner, not the contact who opened the ticket */
    assert.equal(stored[0].userId, owner.id)
    const agent = new Agent()
    await loginStaff(agent, await createStaff())
    const page = await agent.get(`/admin/tickets/${ticket.id}`)
    assert.equal(page.status, 200)
    const article =
      page.text.match(/<article[^>]*ticket-message--requester[\s\S]*?<\/article>/g) ?? []
    const ownerArticle = article.find((html) => html.includes('Vom Inhaber'))
    assert.include(ownerArticle, 'Otto Inhaber')
  })

  test('after a merchant changes their address, the ticket follows: answers go to the new one, the old one may no longer write', async ({
    assert,
  }) => {
    const { agent, user, password } = await (async () => {
      const merchant = await createMerchant({ email: 'alt-adresse@example.com' })
      const client = new Agent()
      await loginAs(client, merchant.user.email, merchant.password)
      return { agent: client, ...merchant }
    })()
    const ticket = await TicketService.open({
      name: 'Erika Mustermann',
      email: user.email,
      customerNumber: null,
      category: 'invoice',
      message: 'Die Rechnung für November stimmt nicht.',
      userId: user.id,
      locale: 'de',
    })
    const address = await replyAddressOf(ticket)

    await agent.post(
      '/account/email',
      { email: 'neue-adresse@example.com', current_password_email: password },
      { csrfFrom: '/account' }
    )
    const link = linkIn(
      await mailTo('neue-adresse@example.com', 'neue E-Mail-Adresse'),
      '/account/email/confirm/'
    )
    assert.equal((await confirmLink(new Agent(), pathOf(link))).status, 200)
    await ticket.refresh()
    assert.equal(ticket.email, 'neue-adresse@example.com')

    /* whoever now reads the old mailbox cannot write into the ticket */
    const fromOld = await replyFrom(
      listener.port,
      'alt-adresse@example.com',
      address,
      'Neue IBAN: DE00 0000'
    )
    assert.equal(fromOld.data?.code, 550)
    const fromNew = await replyFrom(
      listener.port,
      'neue-adresse@example.com',
      address,
      'Von der neuen Adresse'
    )
    assert.equal(fromNew.data?.code, 250)
    assert.deepEqual(
      (await mailMessages(ticket.id)).map((row) => row.body),
      ['Von der neuen Adresse']
    )

    /* support's answer goes to the new address only */
    smtpSink.clear()
    const { staff } = await createStaff()
    await TicketService.reply(ticket, staff, 'Wir haben die Rechnung korrigiert.')
    const answer = await mailTo('neue-adresse@example.com', ticket.reference!)
    assert.include(answer.parsed.text ?? '', 'Wir haben die Rechnung korrigiert.')
    assert.lengthOf(smtpSink.to('alt-adresse@example.com'), 0)
  })

  test('the same mail delivered twice (a sender retrying) is stored once', async ({ assert }) => {
    const { ticket, address } = await answeredTicket()
    const raw = message(
      {
        'From': MERCHANT,
        'To': address,
        'Subject': 'AW',
        'Message-ID': '<retry-4711@client.example.com>',
      },
      'Einmal reicht.'
    )
    const first = await sendRaw(listener.port, { from: MERCHANT, to: [address], message: raw })
    const again = await sendRaw(listener.port, { from: MERCHANT, to: [address], message: raw })
    assert.equal(first.data?.code, 250)
    assert.equal(again.data?.code, 250)
    assert.deepEqual(
      (await mailMessages(ticket.id)).map((row) => row.body),
      ['Einmal reicht.']
    )
    /* another mail with the same text is another message */
    await replyFrom(listener.port, MERCHANT, address, 'Einmal reicht.')
    assert.lengthOf(await mailMessages(ticket.id), 2)
  })

  test('an empty reply and an auto-reply are not stored', async ({ assert }) => {
    const { ticket, address } = await answeredTicket()
    const empty = await replyFrom(listener.port, MERCHANT, address, '> nur das Zitat\n')
    assert.equal(empty.data?.code, 550)
    assert.include(empty.data!.text, 'Empty reply')

    const auto = await sendRaw(listener.port, {
      from: MERCHANT,
      to: [address],
      message: message(
        {
          'From': MERCHANT,
          'To': address,
          'Subject': 'Abwesend',
          'Auto-Submitted': 'auto-replied',
        },
        'Ich bin bis Montag nicht im Büro.'
      ),
    })
    assert.equal(auto.data?.code, 250)
    assert.lengthOf(await mailMessages(ticket.id), 0)
    await ticket.refresh()
    assert.equal(ticket.status, 'answered')
  })

  test('a card number in the mail is stored masked', async ({ assert }) => {
    const { ticket, address } = await answeredTicket()
    const sent = await replyFrom(
      listener.port,
      MERCHANT,
      address,
      'Die Karte 4111 1111 1111 1111 wurde doppelt belastet.'
    )
    assert.equal(sent.data?.code, 250)
    const [stored] = await mailMessages(ticket.id)
    assert.notInclude(stored.body.replace(/\D/g, ''), '4111111111111111')
    assert.include(stored.body, 'wurde doppelt belastet')
    assert.notInclude(listener.output(), '4111')
  })

  test('a 30 MB mail gets 552, nothing is stored, and the next mail is answered', async ({
    assert,
  }) => {
    const { ticket, address } = await answeredTicket()
    const big = message(
      { From: MERCHANT, To: address, Subject: 'groß' },
      `Anhang\n${'A'.repeat(998)}\n`.repeat(31 * 1024)
    )
    assert.isAbove(big.length, 30 * 1024 * 1024)
    const sent = await sendRaw(listener.port, { from: MERCHANT, to: [address], message: big })
    assert.equal(sent.data?.code, 552, sent.data?.text)
    assert.lengthOf(await mailMessages(ticket.id), 0)

    /* SIZE= announced up front is refused at MAIL FROM */
    const client = await SmtpClient.connect(listener.port)
    await client.command('EHLO client.example.com')
    const announced = await client.command(`MAIL FROM:<${MERCHANT}> SIZE=${31 * 1024 * 1024}`)
    assert.equal(announced.code, 552)
    await client.quit()

    const next = await replyFrom(listener.port, MERCHANT, address, 'Kleiner Nachtrag.')
    assert.equal(next.data?.code, 250)
    assert.lengthOf(await mailMessages(ticket.id), 1)
    assert.isNull(listener.child.exitCode)
  }).timeout(180_000)

  test('malformed DATA gets an SMTP answer and the listener stays alive', async ({ assert }) => {
    const { ticket, address } = await answeredTicket()
    const garbage = [
      Buffer.from([0, 255, 254, 13, 10, 0, 1, 2, 3, 0x1b, 0x5b, 0x32, 0x4a, 13, 10]),
      'Content-Type: multipart/mixed; boundary="x"\r\nFrom: <<<>>>\r\n\r\n--x\r\nContent-Type: text/plain; charset=nonsense\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!###\r\n--x',
      `From: ${MERCHANT}\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<div<<<<=ZZ=\r\n<b><i></div`,
      'no headers at all, just words',
    ]
    for (const body of garbage) {
      const sent = await sendRaw(listener.port, { from: MERCHANT, to: [address], message: body })
      assert.isDefined(sent.data)
      assert.isAbove(sent.data!.code, 0, 'no SMTP answer')
    }
    /* a line far over the SMTP limit, then a bare command storm */
    const client = await SmtpClient.connect(listener.port)
    const long = await client.command(`EHLO ${'x'.repeat(100_000)}`)
    assert.isAbove(long.code, 0)
    await client.quit()

    assert.isNull(listener.child.exitCode)
    const next = await replyFrom(listener.port, MERCHANT, address, 'Noch da?')
    assert.equal(next.data?.code, 250)
    const texts = (await mailMessages(ticket.id)).map((row) => row.body)
    assert.include(texts, 'Noch da?')
  })

  test('100 mails in a burst each get an answer and the listener keeps running', async ({
    assert,
  }) => {
    const { ticket, address } = await answeredTicket()
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        sendRaw(listener.port, {
          from: MERCHANT,
          to: [address],
          message: message({ From: MERCHANT, To: address, Subject: `AW ${i}` }, `Nachricht ${i}`),
        }).catch((error: Error) => ({ error }))
      )
    )
    const codes = results.map((result) => {
      if ('error' in result) return `error: ${result.error.message}`
      if (result.mailFrom.code !== 250) return result.mailFrom.code
      return result.rcpt[0].code === 250 ? result.data?.code : result.rcpt[0].code
    })
    const accepted = codes.filter((code) => code === 250).length
    const limited = codes.filter((code) => code === 451).length
    assert.equal(accepted + limited, 100, JSON.stringify(codes))
    assert.isAbove(accepted, 0)
    /* 60 a minute from one IP address, 30 an hour into one ticket */
    assert.isAtMost(accepted, 30)
    assert.isAbove(limited, 0, 'more than INBOUND_RATE_LIMIT mails from one IP are answered 451')
    assert.lengthOf(await mailMessages(ticket.id), accepted)
    assert.isNull(listener.child.exitCode)
    assert.isTrue(isAlive(listener.child.pid!))
  })

  test('a reply address expires 90 days after the ticket’s last message', async ({ assert }) => {
    const { ticket, address } = await answeredTicket()
    const daysAgo = (days: number) =>
      DateTime.now().minus({ days }).toUTC().toFormat('yyyy-MM-dd HH:mm:ss')
    await db
      .from('tickets')
      .where('id', ticket.id)
      .update({ last_message_at: daysAgo(91) })
    const late = await replyFrom(listener.port, MERCHANT, address, 'Nach langer Zeit')
    assert.equal(late.rcpt[0].code, 550)
    assert.include(late.rcpt[0].text, 'expired')
    assert.isUndefined(late.data)
    assert.lengthOf(await mailMessages(ticket.id), 0)

    /* within the 90 days it works, and the new message keeps the address alive */
    await db
      .from('tickets')
      .where('id', ticket.id)
      .update({ last_message_at: daysAgo(89) })
    const inTime = await replyFrom(listener.port, MERCHANT, address, 'Gerade noch')
    assert.equal(inTime.data?.code, 250)
    await ticket.refresh()
    assert.isTrue(ticket.lastMessageAt > DateTime.now().minus({ minutes: 5 }))
  })

  test('behind our own relay (INBOUND_RELAYS) the IP limit does not apply; the per-ticket limit does', async ({
    assert,
  }) => {
    const relayed = await startListener({ INBOUND_RELAYS: '127.0.0.1', INBOUND_RATE_LIMIT: '20' })
    try {
      const tickets = [await answeredTicket(), await answeredTicket(), await answeredTicket()]
      const send = (address: string, i: number) =>
        sendRaw(relayed.port, {
          from: MERCHANT,
          to: [address],
          message: message({ From: MERCHANT, To: address, Subject: `AW ${i}` }, `Nachricht ${i}`),
        })
      /* 3 × 30 mails from the relay's one address: far over the IP limit of 20, all taken */
      const codes: (number | undefined)[] = []
      for (let i = 0; i < 30; i++) {
        const sent = await Promise.all(tickets.map(({ address }) => send(address, i)))
        codes.push(...sent.map((result) => result.data?.code ?? result.rcpt[0]?.code))
      }
      assert.deepEqual([...new Set(codes)], [250])
      /* the 31st mail into one ticket within the hour waits (451: the relay retries later) */
      const over = await send(tickets[0].address, 31)
      assert.equal(over.mailFrom.code, 250)
      assert.equal(over.rcpt[0].code, 451)
      assert.lengthOf(await mailMessages(tickets[0].ticket.id), 30)
      assert.include(relayed.output(), 'not for relays 127.0.0.1')
    } finally {
      await terminate(relayed.child)
    }
  })

  test('SIGTERM stops the listener within 10 seconds', async ({ assert }) => {
    const own = await startListener()
    /* a client holding a connection open must not keep it alive */
    const idle = await SmtpClient.connect(own.port)
    await idle.command('EHLO client.example.com')
    const result = await terminate(own.child, 10_000)
    assert.isNotNull(result, 'still running 10 s after SIGTERM')
    assert.equal(result!.code, 0)
    assert.isBelow(result!.tookMs, 10_000)
    await idle.quit()
  })
})
