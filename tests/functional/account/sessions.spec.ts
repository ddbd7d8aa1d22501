import { test } from '@japa/runner'
import AuditEvent from '#models/audit_event'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'

const FIREFOX_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0'
const CHROME_ANDROID =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36'

/** The „Abmelden“ forms of the page's session list: one handle per other session. */
function endPaths(html: string) {
  return [...html.matchAll(/action="(\/account\/sessions\/[\w-]{24}\/end)"/g)].map((m) => m[1])
}

/** The text of the page's section with the given id (tags dropped, spaces folded). */
function sectionText(html: string, id: string) {
  const start = html.indexOf(`id="${id}"`)
  const end = html.indexOf('</section>', start)
  return html
    .slice(start, end)
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
}

async function twoDevices(options: Parameters<typeof createMerchant>[0] = {}) {
  const merchant = await createMerchant(options)
  const laptop = new Agent({ 'user-agent': FIREFOX_WINDOWS })
  await loginAs(laptop, merchant.user.email, merchant.password)
  const phone = new Agent({ 'user-agent': CHROME_ANDROID })
  await loginAs(phone, merchant.user.email, merchant.password)
  return { ...merchant, laptop, phone }
}

test.group('Benutzerkonto: Sitzungen und Anmeldeverlauf', (group) => {
  group.each.setup(() => resetState())

  test('the session list names each device, its place and time, and marks this one', async ({
    assert,
  }) => {
    const { laptop } = await twoDevices()
    const page = await laptop.get('/account')
    assert.equal(page.status, 200)
    const sessions = sectionText(page.text, 'sessions')
    assert.include(sessions, 'Firefox 128 auf Windows 10 diese Sitzung')
    assert.include(sessions, 'Chrome 126 auf Android 14')
    assert.include(sessions, '127.0.0.1')
    assert.match(sessions, /\d{2}\.\d{2}\.\d{4}/, 'sign-in time, German date')
    assert.include(sessions, 'Zuletzt aktiv')
    assert.notInclude(page.text, 'Gecko/20100101', 'no raw user agent once it is readable')
    assert.lengthOf(endPaths(page.text), 1, 'only the other session has an „Abmelden“')
    assert.include(page.text, 'aria-label="Sitzung „Chrome 126 auf Android 14“ abmelden"')
  })

  test('in English', async ({ assert }) => {
    const { phone } = await twoDevices({ locale: 'en' })
    const sessions = sectionText((await phone.get('/account')).text, 'sessions')
    assert.include(sessions, 'Chrome 126 on Android 14 this session')
    assert.include(sessions, 'Firefox 128 on Windows 10')
    assert.include(sessions, 'End')
  })

  test('„Abmelden“ ends exactly that other session', async ({ assert }) => {
    const { user, password, laptop, phone } = await twoDevices()
    const third = new Agent({ 'user-agent': 'Telefon-Browser/1.0' })
    await loginAs(third, user.email, password)
    const page = await laptop.get('/account')
    assert.include(sectionText(page.text, 'sessions'), 'Telefon-Browser/1.0', 'unreadable: as sent')
    /* the phone's form: the one whose button names the phone */
    const phoneForm = page.text.match(
      /action="(\/account\/sessions\/[\w-]{24}\/end)"[^<]*>\s*<input[^>]*>\s*<button[^>]*aria-label="Sitzung „Chrome 126 auf Android 14“ abmelden"/
    )
    assert.isOk(phoneForm)
    const path = phoneForm![1]

    await laptop.postWithoutCsrf(path, {})
    assert.equal((await phone.get('/account')).status, 200, 'no CSRF token, nothing ended')

    const response = await laptop.post(path, {}, { csrfFrom: '/account' })
    assert.equal(response.status, 302)
    const after = await laptop.follow(response)
    assert.include(after.text, 'Die Sitzung wurde abgemeldet.')
    assert.notInclude(sectionText(after.text, 'sessions'), 'Chrome 126')

    assert.match((await phone.get('/account')).location ?? '', /^\/login/, 'the phone is out')
    assert.equal((await laptop.get('/account')).status, 200, 'this session lives')
    assert.equal((await third.get('/account')).status, 200, 'the third session lives')

    const audit = await AuditEvent.query().where('action', 'session.ended')
    assert.lengthOf(audit, 1)
    assert.equal(audit[0].subjectUserId, user.id)
    assert.equal(audit[0].meta?.session_user_agent, CHROME_ANDROID)

    assert.equal((await laptop.post(path, {}, { csrfFrom: '/account' })).status, 404, 'ended')
  })

  test("another user's session, this one or a made-up one: 404 and nothing ends", async ({
    assert,
  }) => {
    const { laptop } = await twoDevices()
    const stranger = await createMerchant({ email: 'fremd@example.com' })
    const strangerLaptop = new Agent({ 'user-agent': FIREFOX_WINDOWS })
    await loginAs(strangerLaptop, stranger.user.email, stranger.password)
    const strangerPhone = new Agent({ 'user-agent': CHROME_ANDROID })
    await loginAs(strangerPhone, stranger.user.email, stranger.password)
    const [strangersPath] = endPaths((await strangerLaptop.get('/account')).text)
    assert.isOk(strangersPath)

    const missing = await laptop.post(
      '/account/sessions/AAAAAAAAAAAAAAAAAAAAAAAA/end',
      {},
      { csrfFrom: '/account' }
    )
    assert.equal(missing.status, 404)
    const forged = await laptop.post(strangersPath, {}, { csrfFrom: '/account' })
    assert.equal(forged.status, 404)
    /* the same page as a missing session (nonce, CSRF token and path aside) */
    const visible = (html: string) =>
      html.replace(/nonce="[^"]*"|content="[^"]*"|value=['"][^'"]*['"]/g, '').replace(/\s+/g, ' ')
    assert.equal(visible(forged.text), visible(missing.text))
    assert.include(forged.text, 'Seite nicht gefunden')
    assert.equal((await strangerPhone.get('/account')).status, 200, "the stranger's phone lives")

    /* this session is ended by „Abmelden“ in the header, not by this form */
    const [laptopsOwnPath] = endPaths((await strangerPhone.get('/account')).text)
    const own = await strangerLaptop.post(laptopsOwnPath, {}, { csrfFrom: '/account' })
    assert.equal(own.status, 404)
    assert.equal((await strangerLaptop.get('/account')).status, 200, 'this session lives')
    assert.lengthOf(await AuditEvent.query().where('action', 'session.ended'), 0)
  })

  test('the sign-in history shows sign-ins and failed attempts with device and place', async ({
    assert,
  }) => {
    const { user, laptop } = await twoDevices()
    const guesser = new Agent({ 'user-agent': CHROME_ANDROID })
    await guesser.post(
      '/login',
      { email: user.email, password: 'falsch-geraten-1234' },
      { csrfFrom: '/login' }
    )
    const history = sectionText((await laptop.get('/account')).text, 'sign-ins')
    assert.include(history, 'Anmeldeverlauf')
    assert.match(
      history,
      /\d{2}\.\d{2}\.\d{4},? \d{2}:\d{2}\S* Fehlgeschlagen Chrome 126 auf Android 14 127\.0\.0\.1/
    )
    assert.match(history, /Angemeldet Chrome 126 auf Android 14 127\.0\.0\.1/)
    assert.match(history, /Angemeldet Firefox 128 auf Windows 10 127\.0\.0\.1/)
    assert.equal(history.split('Angemeldet ').length - 1, 2)
    assert.equal(history.split('Fehlgeschlagen ').length - 1, 1)
    assert.isBelow(
      history.indexOf('Fehlgeschlagen'),
      history.indexOf('Angemeldet Firefox'),
      'newest first'
    )
  })

  test('the sign-in history keeps the last 20, in English', async ({ assert }) => {
    const { user, password } = await createMerchant({ locale: 'en' })
    let agent = new Agent()
    for (let index = 0; index < 22; index++) {
      agent = new Agent({ 'user-agent': FIREFOX_WINDOWS })
      await loginAs(agent, user.email, password)
    }
    const history = sectionText((await agent.get('/account')).text, 'sign-ins')
    assert.include(history, 'Sign-in history')
    assert.equal(history.split('Signed in Firefox 128 on Windows 10').length - 1, 20)
  })
})
