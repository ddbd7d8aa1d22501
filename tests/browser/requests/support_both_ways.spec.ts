import { test } from '@japa/runner'
import nodemailer from 'nodemailer'
import SavedReply from '#models/saved_reply'
import Ticket from '#models/ticket'
import { resetState } from '#tests/helpers/db'
import { createMerchant, mailTo } from '#tests/helpers/auth'
import { createStaff, totpCode } from '#tests/helpers/staff'
import { startListener, terminate, type Listener } from '#tests/helpers/inbound'

const QUESTION = 'Warum ist meine Rechnung für November höher als im Oktober?'
const SAVED_REPLY =
  'Ihre Novemberrechnung enthält zusätzlich die Miete für das zweite Terminal. Bei Fragen antworten Sie einfach auf diese E-Mail.'
const MAIL_REPLY = 'Danke, jetzt ist alles klar. Das zweite Terminal hatte ich vergessen.'

test.group('Support both ways, in German', (group) => {
  group.each.setup(() => resetState())
  let listener: Listener | undefined
  group.each.teardown(async () => {
    if (listener) await terminate(listener.child)
    listener = undefined
  })

  test('a merchant asks in the portal, the agent answers with a Textbaustein, the merchant replies by mail, the agent solves it', async ({
    assert,
    visit,
    browserContext,
  }) => {
    const merchant = await createMerchant({ locale: 'de', fullName: 'Erika Mustermann' })
    const staff = await createStaff({ fullName: 'Sven Support' })
    await SavedReply.create({
      title: 'Rechnung: zweites Terminal',
      locale: 'de',
      body: SAVED_REPLY,
    })
    await SavedReply.create({ title: 'Invoice: second terminal', locale: 'en', body: 'English' })
    listener = await startListener()
    await browserContext.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9' })

    /* the merchant asks about an invoice inside the portal */
    const page = await visit('/login')
    await page.fill('#email', merchant.user.email)
    await page.fill('#password', merchant.password)
    await page.click('form[action="/login"] button[type="submit"]')
    await page.waitForURL((url) => url.pathname === '/')
    await page.getByRole('link', { name: 'Meine Anfragen' }).first().click()
    await page.waitForURL(/\/requests$/)
    await page.getByRole('link', { name: 'Neue Anfrage' }).first().click()
    await page.selectOption('#category', { label: 'Rechnung' })
    await page.fill('#message', QUESTION)
    await page.getByRole('button', { name: 'Senden' }).click()
    await page.waitForURL(/\/requests\/\d+$/)
    assert.include(await page.textContent('main'), QUESTION)
    const ticket = await Ticket.query().firstOrFail()
    assert.equal(ticket.source, 'portal')
    assert.include(await page.textContent('main'), ticket.reference!)

    /* the agent signs in and answers with the saved reply */
    await browserContext.clearCookies()
    await page.goto('/admin/login')
    await page.fill('#email', staff.email)
    await page.fill('#password', staff.password)
    await page.click('form[action="/admin/login"] button[type="submit"]')
    await page.waitForURL(/\/admin\/login\/totp$/)
    await page.fill('#code', await totpCode(staff.secret!))
    await page.click('form[action="/admin/login/totp"] button[type="submit"]')
    await page.waitForURL(/\/admin$/)
    await page.goto('/admin/tickets')
    await page.getByRole('link', { name: ticket.reference! }).first().click()
    await page.waitForURL(new RegExp(`/admin/tickets/${ticket.id}`))
    assert.include(await page.textContent('main'), QUESTION)
    /* only the ticket's language is offered */
    const offered = await page.locator('#saved_reply option').allTextContents()
    assert.isTrue(offered.some((label) => label.includes('Rechnung: zweites Terminal')))
    assert.isFalse(offered.some((label) => label.includes('Invoice: second terminal')))
    await page.selectOption('#saved_reply', { label: 'Rechnung: zweites Terminal' })
    await page.getByRole('button', { name: 'Einfügen' }).click()
    await page.waitForFunction(
      (text) => (globalThis as any).document.querySelector('#body')?.value.includes(text),
      SAVED_REPLY
    )
    await page.getByRole('button', { name: 'Antwort senden' }).click()
    await page.waitForLoadState('load')
    assert.include(await page.textContent('main'), SAVED_REPLY)
    assert.include(await page.textContent('main'), 'Wartet auf Kunde')

    /* the answer reaches the merchant by mail, with a reply address and a link to the ticket */
    const answer = await mailTo(merchant.user.email, `[${ticket.reference}] Antwort`)
    assert.include(answer.parsed.text ?? '', SAVED_REPLY)
    assert.include(answer.parsed.text ?? '', `/requests/${ticket.id}`)
    const replyTo = (answer.parsed.replyTo as any)?.value?.[0]?.address as string
    assert.match(replyTo, /\+t-\d{4}-\d{6}\.[a-z2-7]{26}@/)

    /* the merchant answers the mail from their mail program, quoting it */
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: listener.port,
      secure: false,
      ignoreTLS: true,
    })
    const sent = await transport.sendMail({
      from: merchant.user.email,
      to: replyTo,
      subject: `Re: ${answer.parsed.subject}`,
      text: `${MAIL_REPLY}\n\nViele Grüße\nErika Mustermann\n\nAm 02.12.2026 um 10:15 schrieb Kundenportal <kundenportal@example.com>:\n> ${SAVED_REPLY}\n`,
    })
    assert.lengthOf(sent.accepted, 1)
    transport.close()

    /* the agent sees the reply, the ticket open again, without the quoted history */
    await page.reload()
    const conversation = await page.textContent('main')
    assert.include(conversation, MAIL_REPLY)
    assert.notInclude(conversation, 'schrieb Kundenportal')
    await page.selectOption('#ticket-status', 'closed')
    await page.getByRole('button', { name: 'Status setzen' }).click()
    await page.waitForLoadState('load')
    await ticket.refresh()
    assert.equal(ticket.status, 'closed')
    assert.include(await page.textContent('main'), 'Gelöst')
  }).timeout(90_000)
})
