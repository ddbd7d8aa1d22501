import http from 'node:http'
import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import env from '#start/env'
import type User from '#models/user'
import OneTimeToken from '#models/one_time_token'
import AuditEvent from '#models/audit_event'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { solveCaptcha } from '#tests/helpers/captcha'
import { createMerchant, linkIn, loginAs, mailTo, pathOf } from '#tests/helpers/auth'
import { AccountStateService } from '#services/account/account_state_service'
import { SessionRegistry } from '#services/account/session_registry'
import redis from '@adonisjs/redis/services/main'
import { mailsSettled } from '#tests/helpers/queues'

const NEW_PASSWORD = 'Apfelwein-Sachsenhausen-Ebbelwoi-77'

async function requestReset(email: string, customerNumber: string) {
  const agent = new Agent()
  const altcha = await solveCaptcha(agent)
  const response = await agent.post(
    '/forgot-password',
    { email, customer_number: customerNumber, altcha },
    { csrfFrom: '/forgot-password' }
  )
  return { response, page: await agent.follow(response) }
}

async function resetLinkFor(email: string, customerNumber: string) {
  await requestReset(email, customerNumber)
  const mail = await mailTo(email, 'Neues Passwort')
  return pathOf(linkIn(mail, '/reset-password/'))
}

async function setPassword(path: string, password = NEW_PASSWORD) {
  const agent = new Agent()
  const page = await agent.get(path)
  if (page.status !== 200) return { response: page, agent }
  const response = await agent.post(
    path,
    { password, password_confirmation: password },
    { csrfFrom: path }
  )
  return { response, agent }
}

const passwordIs = async (user: User, password: string) => {
  await user.refresh()
  return hash.verify(user.password, password)
}

test.group('Passwort vergessen', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('the link from the mail sets a new password, ends all sessions and notifies', async ({
    assert,
  }) => {
    const { user, password, customers } = await createMerchant()
    const open = new Agent()
    await loginAs(open, user.email, password)

    const { response, page } = await requestReset(user.email, customers[0].customerNumber)
    assert.equal(response.location, '/forgot-password/sent')
    assert.include(page.text, 'Wenn E-Mail-Adresse und Kundennummer zu einem Benutzerkonto gehören')

    const mail = await mailTo(user.email, 'Neues Passwort')
    const link = linkIn(mail, '/reset-password/')
    assert.match(link, /\/reset-password\/[A-Za-z0-9_-]{43}$/)
    const token = link.split('/').pop()!
    const stored = await OneTimeToken.findByOrFail('user_id', user.id)
    assert.notEqual(stored.tokenHash, token, 'only the hash is stored')
    assert.isAtMost(stored.expiresAt.diff(DateTime.now(), 'minutes').minutes, 60)

    const form = await new Agent().get(pathOf(link))
    assert.equal(form.status, 200)
    assert.equal(form.headers.get('referrer-policy'), 'no-referrer')
    assert.equal(form.headers.get('cache-control'), 'no-store')
    assert.include(form.text, 'Neues Passwort festlegen')

    const { response: saved, agent } = await setPassword(pathOf(link))
    assert.equal(saved.location, '/login')
    assert.include((await agent.follow(saved)).text, 'Ihr Passwort wurde geändert')
    assert.isTrue(await passwordIs(user, NEW_PASSWORD))

    assert.match((await open.get('/')).location ?? '', /^\/login/, 'old session ended')
    await mailTo(user.email, 'Ihr Passwort wurde geändert')
    await loginAs(new Agent(), user.email, NEW_PASSWORD)
    const actions = (await AuditEvent.query().orderBy('id')).map((event) => event.action)
    assert.includeMembers(actions, ['password.reset_requested', 'password.reset_done'])
  })

  test('a session written back by a request still running during the reset stays ended', async ({
    assert,
  }) => {
    const { user, password, customers } = await createMerchant()
    const stolen = new Agent()
    await loginAs(stolen, user.email, password)
    /* what a request of that session, running while the reset happens, writes back at its end */
    /* the live one of the tag's sessions (a login renews the id) */
    const tagged = await redis.smembers(`session_tag:${SessionRegistry.userTag(user.id)}`)
    const live = await Promise.all(tagged.map(async (id) => [id, await redis.get(id)] as const))
    const [sessionId, inFlight] = live.find(([, data]) => data !== null)!
    assert.isString(inFlight)

    await requestReset(user.email, customers[0].customerNumber)
    const link = linkIn(await mailTo(user.email, 'Neues Passwort'), '/reset-password/')
    await setPassword(pathOf(link))
    assert.isNull(await redis.get(sessionId), 'the reset ended the session')

    await redis.setex(sessionId, 1800, inFlight!)
    const next = await stolen.get('/')
    assert.match(next.location ?? '', /^\/login/, 'the written-back session is logged out')
    assert.notInclude(next.text, user.email)
  })

  test('the answer is the same when e-mail and customer number do not belong together', async ({
    assert,
  }) => {
    const { user, customers } = await createMerchant()
    const other = await createMerchant()
    const right = await requestReset(user.email, customers[0].customerNumber)
    const wrongNumber = await requestReset(user.email, other.customers[0].customerNumber)
    const unknown = await requestReset('niemand@example.com', customers[0].customerNumber)
    for (const answer of [wrongNumber, unknown]) {
      assert.equal(answer.response.status, right.response.status)
      assert.equal(answer.response.location, right.response.location)
    }
    await mailTo(user.email, 'Neues Passwort')
    await mailsSettled()
    assert.lengthOf(smtpSink.to(user.email), 1)
    assert.lengthOf(smtpSink.to('niemand@example.com'), 0)
  })

  test('a reused, expired or altered link is refused and the password stays', async ({
    assert,
  }) => {
    const { user, password, customers } = await createMerchant()
    const path = await resetLinkFor(user.email, customers[0].customerNumber)

    const altered = path.slice(0, -1) + (path.endsWith('x') ? 'y' : 'x')
    const { response: alteredAnswer } = await setPassword(altered)
    assert.equal(alteredAnswer.status, 410)
    assert.include(alteredAnswer.text, 'Link ungültig oder abgelaufen')
    assert.isTrue(await passwordIs(user, password))

    await OneTimeToken.query().update({
      expires_at: DateTime.now().minus({ seconds: 1 }).toSQL({ includeOffset: false }),
    })
    const { response: expired } = await setPassword(path)
    assert.equal(expired.status, 410)
    assert.isTrue(await passwordIs(user, password))

    smtpSink.clear()
    const fresh = await resetLinkFor(user.email, customers[0].customerNumber)
    assert.equal((await setPassword(fresh)).response.location, '/login')
    const { response: reused } = await setPassword(fresh, 'Noch-ein-ganz-anderes-Passwort-99')
    assert.equal(reused.status, 410)
    assert.isTrue(await passwordIs(user, NEW_PASSWORD))

    /* a POST straight to a used link (form kept open in a second tab) changes nothing either */
    const agent = new Agent()
    const direct = await agent.post(
      fresh,
      {
        password: 'Noch-ein-ganz-anderes-Passwort-99',
        password_confirmation: 'Noch-ein-ganz-anderes-Passwort-99',
      },
      { csrfFrom: '/login' }
    )
    assert.equal(direct.status, 410)
    assert.isTrue(await passwordIs(user, NEW_PASSWORD))
  })

  test('Host: evil.example does not change the mailed link', async ({ assert }) => {
    const { user, customers } = await createMerchant()
    /* fetch() drops a Host header, so this request goes through node:http */
    const agent = new Agent()
    const body = new URLSearchParams({
      email: user.email,
      customer_number: customers[0].customerNumber,
      altcha: await solveCaptcha(agent),
      _csrf: await agent.csrf('/forgot-password'),
    }).toString()
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        `${agent.baseUrl}/forgot-password`,
        {
          method: 'POST',
          headers: {
            'host': 'evil.example',
            'x-forwarded-host': 'evil.example',
            'content-type': 'application/x-www-form-urlencoded',
            'cookie': [...agent.jar].map(([name, value]) => `${name}=${value}`).join('; '),
          },
        },
        (response) => {
          response.resume()
          resolve(response.statusCode ?? 0)
        }
      )
      request.on('error', reject)
      request.end(body)
    })
    assert.equal(status, 302)
    const mail = await mailTo(user.email, 'Neues Passwort')
    const link = linkIn(mail, '/reset-password/')
    assert.isTrue(link.startsWith(`${env.get('APP_URL')}/reset-password/`))
    assert.notInclude(mail.parsed.text ?? '', 'evil.example')
    assert.notInclude(String(mail.parsed.html), 'evil.example')
  })

  test('a weak new password is refused with the reason', async ({ assert }) => {
    const { user, password, customers } = await createMerchant()
    const path = await resetLinkFor(user.email, customers[0].customerNumber)
    const agent = new Agent()
    await agent.get(path)
    const refused = await agent.post(
      path,
      { password: 'Passwort123456', password_confirmation: 'Passwort123456' },
      { csrfFrom: path }
    )
    assert.equal(refused.location, path)
    const page = await agent.follow(refused)
    assert.include(page.text, 'zu leicht zu erraten')
    assert.isTrue(await passwordIs(user, password))
    assert.equal((await setPassword(path)).response.location, '/login', 'the link still works')
  })

  test('the real-user check is required', async ({ assert }) => {
    const { user, customers } = await createMerchant()
    const agent = new Agent()
    const response = await agent.post(
      '/forgot-password',
      { email: user.email, customer_number: customers[0].customerNumber },
      { csrfFrom: '/forgot-password' }
    )
    assert.equal(response.location, '/forgot-password')
    assert.include((await agent.follow(response)).text, 'dass Sie ein echter Nutzer sind')
    await new Promise((resolve) => setTimeout(resolve, 500))
    assert.lengthOf(smtpSink.to(user.email), 0)
  })

  test('a reset clears a failed_logins lock but not a by_support lock', async ({ assert }) => {
    const byLogins = await createMerchant()
    for (let i = 0; i < 10; i++) {
      await new Agent().post(
        '/login',
        { email: byLogins.user.email, password: 'falsch-falsch-falsch' },
        { csrfFrom: '/login' }
      )
    }
    await byLogins.user.refresh()
    assert.equal(byLogins.user.lockReason, 'failed_logins')
    const path = await resetLinkFor(byLogins.user.email, byLogins.customers[0].customerNumber)
    await setPassword(path)
    await byLogins.user.refresh()
    assert.equal(byLogins.user.state, 'active')
    assert.isNull(byLogins.user.lockReason)
    await loginAs(new Agent(), byLogins.user.email, NEW_PASSWORD)

    const bySupport = await createMerchant()
    await AccountStateService.lock(
      bySupport.user,
      'by_support',
      { type: 'staff', id: 1 },
      'Betrugsverdacht'
    )
    const supportPath = await resetLinkFor(
      bySupport.user.email,
      bySupport.customers[0].customerNumber
    )
    await setPassword(supportPath)
    await bySupport.user.refresh()
    assert.equal(bySupport.user.state, 'locked')
    assert.equal(bySupport.user.lockReason, 'by_support')
    assert.isTrue(await passwordIs(bySupport.user, NEW_PASSWORD))
    const login = await new Agent().post(
      '/login',
      { email: bySupport.user.email, password: NEW_PASSWORD },
      { csrfFrom: '/login' }
    )
    assert.equal(login.location, '/login')
  })

  test('a flood of requests stops the mails and never locks the account', async ({ assert }) => {
    const { user, password, customers } = await createMerchant()
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) {
      statuses.push((await requestReset(user.email, customers[0].customerNumber)).response.status)
    }
    assert.deepEqual(statuses, [302, 302, 302, 302, 302, 429])
    /* three arrive; once the queue is empty, no fourth is on its way */
    await smtpSink.waitFor(() => smtpSink.to(user.email).length >= 3, 30_000)
    await mailsSettled()
    assert.lengthOf(smtpSink.to(user.email), 3)
    await user.refresh()
    assert.equal(user.state, 'active')
    await loginAs(new Agent(), user.email, password)
  })
})
