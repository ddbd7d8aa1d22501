import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import AuditEvent from '#models/audit_event'
import { Agent } from '#tests/helpers/agent'
import { smtpSink } from '#tests/helpers/services'
import { recipients } from '#demo/smtp_sink'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs, confirmLink, mailTo } from '#tests/helpers/auth'
import { Totp } from '#services/security/totp'
import { DateTime } from 'luxon'
import { createStaff, loginStaff, type TestStaff } from '#tests/helpers/staff'

async function staffAgent(role: 'agent' | 'admin' = 'agent') {
  const agent = new Agent()
  const staff: TestStaff = await createStaff({ role, fullName: 'Sabine Support' })
  await loginStaff(agent, staff)
  return { agent, staff }
}

test.group('Admin users', (group) => {
  group.each.setup(() => resetState())

  test('search by e-mail, name or customer number; filter by state', async ({ assert }) => {
    const erika = await createMerchant({ email: 'erika@beispiel.de', fullName: 'Erika Muster' })
    const max = await createMerchant({
      email: 'max@beispiel.de',
      fullName: 'Max Meier',
      state: 'locked',
      customers: [{ customerNumber: 'L7654321' }],
    })
    const { agent } = await staffAgent()
    const byEmail = await agent.get('/admin/users?q=erika%40')
    assert.include(byEmail.text, 'erika@beispiel.de')
    assert.notInclude(byEmail.text, 'max@beispiel.de')
    const byName = await agent.get('/admin/users?q=Meier')
    assert.include(byName.text, 'max@beispiel.de')
    assert.notInclude(byName.text, 'erika@beispiel.de')
    const byNumber = await agent.get('/admin/users?q=l%20765%204321')
    assert.include(byNumber.text, 'max@beispiel.de')
    assert.notInclude(byNumber.text, 'erika@beispiel.de')
    const locked = await agent.get('/admin/users?state=locked')
    assert.include(locked.text, 'max@beispiel.de')
    assert.notInclude(locked.text, 'erika@beispiel.de')
    const detail = await agent.get(`/admin/users/${max.user.id}`)
    assert.include(detail.text, 'L7654321')
    assert.include(detail.text, 'Gesperrt')
    assert.equal((await agent.get(`/admin/users/${erika.user.id + 1000}`)).status, 404)
  })

  test('the detail page shows the last sign-in from the audit trail, „—“ before the first', async ({
    assert,
  }) => {
    const merchant = await createMerchant()
    const { agent } = await staffAgent()
    const lastLogin = (html: string) => html.match(/data-last-login>([^<]*)</)?.[1]?.trim()

    assert.equal(lastLogin((await agent.get(`/admin/users/${merchant.user.id}`)).text), '—')
    await loginAs(new Agent(), merchant.user.email, merchant.password)
    const event = await AuditEvent.query()
      .where('subject_user_id', merchant.user.id)
      .where('action', 'login.succeeded')
      .firstOrFail()
    const shown = lastLogin((await agent.get(`/admin/users/${merchant.user.id}`)).text)
    assert.notEqual(shown, '—')
    /* German date and time of that event, e.g. 27.11.2026, 09:15 */
    assert.include(shown, event.createdAt.setZone('Europe/Berlin').toFormat('dd.MM.yyyy'))
  })

  test('lock by support needs a reason, ends the merchant’s sessions and is audited with the agent', async ({
    assert,
  }) => {
    const merchant = await createMerchant()
    const merchantAgent = new Agent()
    await loginAs(merchantAgent, merchant.user.email, merchant.password)
    assert.equal((await merchantAgent.get('/')).status, 200)

    const { agent, staff } = await staffAgent()
    const detail = `/admin/users/${merchant.user.id}`
    const noReason = await agent.post(
      `${detail}/actions/lock`,
      { confirmed: '1' },
      { csrfFrom: detail }
    )
    assert.equal(noReason.location, detail)
    assert.include((await agent.follow(noReason)).text, 'Bitte geben Sie einen Grund')
    assert.equal((await User.findOrFail(merchant.user.id)).state, 'active')

    await agent.post(
      `${detail}/actions/lock`,
      { confirmed: '1', reason: 'Verdacht auf Missbrauch' },
      { csrfFrom: detail }
    )
    const user = await User.findOrFail(merchant.user.id)
    assert.equal(user.state, 'locked')
    assert.equal(user.lockReason, 'by_support')
    assert.equal(user.lockNote, 'Verdacht auf Missbrauch')
    /* the merchant's open session is gone */
    const after = await merchantAgent.get('/')
    assert.equal(after.status, 302)
    assert.match(after.location ?? '', /^\/login/)
    const event = await AuditEvent.query().where('action', 'account.locked').firstOrFail()
    assert.equal(event.actorType, 'staff')
    assert.equal(event.actorId, staff.staff.id)
    assert.equal(event.subjectUserId, user.id)
    const page = await agent.get(detail)
    assert.include(page.text, 'Durch den Support gesperrt')
    assert.include(page.text, 'Verdacht auf Missbrauch')
  })

  test('support resets a merchant’s lost two-factor: key and codes gone, sessions ended, mail sent, password alone signs in', async ({
    assert,
  }) => {
    const merchant = await createMerchant({ email: 'handy-weg@example.com' })
    const merchantAgent = new Agent()
    await loginAs(merchantAgent, merchant.user.email, merchant.password)
    merchant.user.totpSecret = Totp.encryptSecret(Totp.newSecret())
    merchant.user.totpEnabledAt = DateTime.now()
    merchant.user.recoveryCodes = Totp.newRecoveryCodes().stored
    await merchant.user.save()

    const { agent, staff } = await staffAgent()
    const detail = `/admin/users/${merchant.user.id}`
    assert.include((await agent.get(detail)).text, 'Zwei-Faktor zurücksetzen')
    const done = await agent.post(
      `${detail}/actions/reset_two_factor`,
      { confirmed: '1' },
      { csrfFrom: detail }
    )
    assert.include((await agent.follow(done)).text, 'Die Zwei-Faktor-Anmeldung ist zurückgesetzt')
    const user = await User.findOrFail(merchant.user.id)
    assert.isNull(user.totpSecret)
    assert.isNull(user.totpEnabledAt)
    assert.isNull(user.recoveryCodes)
    /* the open session is gone; the password alone signs in again */
    assert.match((await merchantAgent.get('/')).location ?? '', /^\/login/)
    await loginAs(new Agent(), merchant.user.email, merchant.password)
    const mail = await mailTo('handy-weg@example.com', 'Zwei-Faktor-Anmeldung wurde zurückgesetzt')
    assert.include(mail.parsed.text ?? '', 'gleich wieder ein')
    const event = await AuditEvent.query().where('action', 'account.two_factor_reset').firstOrFail()
    assert.equal(event.actorId, staff.staff.id)
    assert.equal(event.subjectUserId, user.id)
    /* nothing left to reset: the action is no longer offered */
    assert.notInclude((await agent.get(detail)).text, 'Zwei-Faktor zurücksetzen')
  })

  test('without JavaScript an action first shows a confirm page; nothing changes until confirmed', async ({
    assert,
  }) => {
    const merchant = await createMerchant({ state: 'locked' })
    const { agent } = await staffAgent()
    const detail = `/admin/users/${merchant.user.id}`
    const first = await agent.post(
      `${detail}/actions/unlock`,
      { confirmed: '0' },
      { csrfFrom: detail }
    )
    assert.match(first.location ?? '', new RegExp(`^${detail}/actions/unlock\\?`))
    assert.equal((await User.findOrFail(merchant.user.id)).state, 'locked')
    const confirmPage = await agent.follow(first)
    assert.equal(confirmPage.status, 200)
    assert.include(confirmPage.text, `Zugang ${merchant.user.email} entsperren?`)
    assert.include(confirmPage.text, 'name="confirmed" value="1"')
    await agent.post(
      `${detail}/actions/unlock`,
      { confirmed: '1', back: detail },
      { csrfFrom: detail }
    )
    assert.equal((await User.findOrFail(merchant.user.id)).state, 'active')
  })

  test('an action without CSRF token changes nothing', async ({ assert }) => {
    const merchant = await createMerchant({ state: 'locked' })
    const { agent } = await staffAgent()
    await agent.postWithoutCsrf(`/admin/users/${merchant.user.id}/actions/unlock`, {
      confirmed: '1',
    })
    assert.equal((await User.findOrFail(merchant.user.id)).state, 'locked')
  })

  test('approve, disable and unlink a customer number', async ({ assert }) => {
    const pending = await createMerchant({ state: 'pending_approval' })
    const twoCustomers = await createMerchant({ customers: [{}, {}] })
    const { agent } = await staffAgent()

    const pendingDetail = `/admin/users/${pending.user.id}`
    await agent.post(
      `${pendingDetail}/actions/approve`,
      { confirmed: '1' },
      { csrfFrom: pendingDetail }
    )
    assert.equal((await User.findOrFail(pending.user.id)).state, 'active')

    const detail = `/admin/users/${twoCustomers.user.id}`
    const [first, second] = twoCustomers.customers
    await agent.post(
      `${detail}/actions/unlink`,
      { confirmed: '1', customerId: first.id },
      { csrfFrom: detail }
    )
    const links = await db.from('customer_user').where('user_id', twoCustomers.user.id)
    assert.deepEqual(
      links.map((row) => row.customer_id),
      [second.id]
    )
    const last = await agent.post(
      `${detail}/actions/unlink`,
      { confirmed: '1', customerId: second.id },
      { csrfFrom: detail }
    )
    assert.include((await agent.follow(last)).text, 'letzte Kundennummer')
    assert.lengthOf(await db.from('customer_user').where('user_id', twoCustomers.user.id), 1)

    await agent.post(`${detail}/actions/disable`, { confirmed: '1' }, { csrfFrom: detail })
    assert.equal((await User.findOrFail(twoCustomers.user.id)).state, 'disabled')
    assert.include((await agent.get(detail)).text, 'Wieder aktivieren')
    await agent.post(`${detail}/actions/enable`, { confirmed: '1' }, { csrfFrom: detail })
    assert.equal((await User.findOrFail(twoCustomers.user.id)).state, 'active')
    const actions = (await AuditEvent.query().where('actor_type', 'staff')).map((e) => e.action)
    assert.includeMembers(actions, [
      'account.approved',
      'account.customer_unlinked',
      'account.disabled',
      'account.enabled',
    ])
  })

  test('an account disabled and enabled again returns to its state: no confirmation or approval is skipped', async ({
    assert,
  }) => {
    const { agent } = await staffAgent()
    const cycle = async (userId: number) => {
      const detail = `/admin/users/${userId}`
      await agent.post(`${detail}/actions/disable`, { confirmed: '1' }, { csrfFrom: detail })
      assert.equal((await User.findOrFail(userId)).state, 'disabled')
      await agent.post(`${detail}/actions/enable`, { confirmed: '1' }, { csrfFrom: detail })
      return User.findOrFail(userId)
    }
    const unconfirmed = await createMerchant({ state: 'pending_verification' })
    assert.equal((await cycle(unconfirmed.user.id)).state, 'pending_verification')
    const waiting = await createMerchant({ state: 'pending_approval' })
    assert.equal((await cycle(waiting.user.id)).state, 'pending_approval')
    /* the login still refuses it, with the waiting message */
    const refused = await new Agent().post(
      '/login',
      { email: waiting.user.email, password: waiting.password },
      { csrfFrom: '/login' }
    )
    assert.notEqual(refused.location, '/')

    const locked = await createMerchant()
    const lockedDetail = `/admin/users/${locked.user.id}`
    await agent.post(
      `${lockedDetail}/actions/lock`,
      { confirmed: '1', reason: 'Verdacht auf Missbrauch' },
      { csrfFrom: lockedDetail }
    )
    const afterCycle = await cycle(locked.user.id)
    assert.equal(afterCycle.state, 'locked')
    assert.equal(afterCycle.lockReason, 'by_support')

    /* a registration waiting for approval cannot be locked (an unlock would approve it) */
    const other = await createMerchant({ state: 'pending_approval' })
    const otherDetail = `/admin/users/${other.user.id}`
    assert.notInclude((await agent.get(otherDetail)).text, `${otherDetail}/actions/lock"`)
    await agent.post(
      `${otherDetail}/actions/lock`,
      { confirmed: '1', reason: 'Test' },
      { csrfFrom: otherDetail }
    )
    assert.equal((await User.findOrFail(other.user.id)).state, 'pending_approval')
  })

  test('resend verification mails a fresh confirmation link that activates the account', async ({
    assert,
  }) => {
    const merchant = await createMerchant({ state: 'pending_verification' })
    const { agent } = await staffAgent()
    const detail = `/admin/users/${merchant.user.id}`
    const page = await agent.get(detail)
    assert.include(page.text, 'Bestätigungsmail erneut senden')
    await agent.post(
      `${detail}/actions/resend_verification`,
      { confirmed: '1' },
      { csrfFrom: detail }
    )
    const mail = await smtpSink.waitFor((m) => recipients(m).includes(merchant.user.email))
    const token = (mail.parsed.text ?? '').match(/\/verify-email\/([A-Za-z0-9_-]+)/)![1]
    await confirmLink(new Agent(), `/verify-email/${token}`)
    const user = await User.findOrFail(merchant.user.id)
    assert.oneOf(user.state, ['active', 'pending_approval'])
    assert.isNotNull(
      await AuditEvent.query()
        .where('action', 'account.verification_resent')
        .where('actor_type', 'staff')
        .first()
    )
  })

  test('an action that does not fit the state is refused', async ({ assert }) => {
    const merchant = await createMerchant()
    const { agent } = await staffAgent()
    const detail = `/admin/users/${merchant.user.id}`
    const response = await agent.post(
      `${detail}/actions/approve`,
      { confirmed: '1' },
      { csrfFrom: detail }
    )
    assert.include((await agent.follow(response)).text, 'passt nicht zum aktuellen Status')
    assert.equal(await AuditEvent.query().where('action', 'account.approved').first(), null)
  })

  test('after an action the agent only returns to an admin page', async ({ assert }) => {
    const merchant = await createMerchant({ state: 'locked' })
    const { agent } = await staffAgent()
    const detail = `/admin/users/${merchant.user.id}`
    const response = await agent.post(
      `${detail}/actions/unlock`,
      { confirmed: '1', back: '//evil.example/admin/' },
      { csrfFrom: detail }
    )
    assert.equal(response.location, detail)
  })
})
