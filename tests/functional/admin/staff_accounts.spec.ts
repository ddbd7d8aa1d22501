import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import { SessionRegistry } from '#services/account/session_registry'
import StaffUser from '#models/staff_user'
import AuditEvent from '#models/audit_event'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createStaff, loginStaff } from '#tests/helpers/staff'

test.group('Admin staff accounts', (group) => {
  group.each.setup(() => resetState())

  test('an admin creates an agent, who then enrols TOTP at the first login', async ({ assert }) => {
    const admin = new Agent()
    const adminAccount = await createStaff({ role: 'admin' })
    await loginStaff(admin, adminAccount)
    const created = await admin.post(
      '/admin/staff',
      {
        email: 'Neue.Agentin@support.example.com',
        fullName: 'Neue Agentin',
        role: 'agent',
        password: 'ein-erstes-Passwort-2026',
      },
      { csrfFrom: '/admin/staff' }
    )
    assert.equal(created.location, '/admin/staff')
    assert.include((await admin.follow(created)).text, 'neue.agentin@support.example.com')
    const staff = await StaffUser.findByOrFail('email', 'neue.agentin@support.example.com')
    assert.equal(staff.role, 'agent')
    const event = await AuditEvent.findByOrFail('action', 'staff.created')
    assert.equal(event.actorId, adminAccount.staff.id)

    const newcomer = {
      staff,
      email: staff.email,
      password: 'ein-erstes-Passwort-2026',
      secret: null,
      recoveryCodes: [] as string[],
    }
    const page = await loginStaff(new Agent(), newcomer)
    assert.equal(page.status, 200)
    assert.lengthOf(newcomer.recoveryCodes, 10)
  })

  test('a new staff account needs a valid e-mail and a 12-character password', async ({
    assert,
  }) => {
    const admin = new Agent()
    await loginStaff(admin, await createStaff({ role: 'admin' }))
    const response = await admin.post(
      '/admin/staff',
      { email: 'kein-at', fullName: 'Kurt Kurz', role: 'agent', password: 'kurz' },
      { csrfFrom: '/admin/staff' }
    )
    const page = await admin.follow(response)
    assert.include(page.text, 'Bitte geben Sie eine gültige E-Mail-Adresse an.')
    assert.include(page.text, 'Das Passwort muss 12 bis 256 Zeichen lang sein.')
    assert.include(page.text, 'value="Kurt Kurz"')
    assert.isNull(await StaffUser.findBy('full_name', 'Kurt Kurz'))
  })

  test('agents cannot manage staff', async ({ assert }) => {
    const agent = new Agent()
    await loginStaff(agent, await createStaff({ role: 'agent' }))
    assert.equal((await agent.get('/admin/staff')).status, 403)
    const post = await agent.post(
      '/admin/staff',
      {
        email: 'x@support.example.com',
        fullName: 'X Y',
        role: 'admin',
        password: 'ein-erstes-Passwort-2026',
      },
      { csrfFrom: '/admin' }
    )
    assert.equal(post.status, 403)
    assert.isNull(await StaffUser.findBy('email', 'x@support.example.com'))
  })

  test('an admin unlocks a locked agent and resets two-factor; the reset ends the agent’s sessions', async ({
    assert,
  }) => {
    const target = await createStaff({ role: 'agent' })
    const targetAgent = new Agent()
    await loginStaff(targetAgent, target)
    const admin = new Agent()
    await loginStaff(admin, await createStaff({ role: 'admin' }))

    await admin.post(
      `/admin/staff/${target.staff.id}/actions/reset_totp`,
      { confirmed: '1' },
      { csrfFrom: '/admin/staff' }
    )
    const reset = await StaffUser.findOrFail(target.staff.id)
    assert.isNull(reset.totpEnabledAt)
    assert.isNull(reset.totpSecret)
    assert.equal((await targetAgent.get('/admin')).location, '/admin/login')

    reset.state = 'locked'
    reset.failedLoginCount = 10
    await reset.save()
    const unconfirmed = await admin.post(
      `/admin/staff/${target.staff.id}/actions/unlock`,
      { confirmed: '0' },
      { csrfFrom: '/admin/staff' }
    )
    assert.equal(unconfirmed.status, 200)
    assert.include(unconfirmed.text, 'name="confirmed" value="1"')
    assert.equal((await StaffUser.findOrFail(target.staff.id)).state, 'locked')
    await admin.post(
      `/admin/staff/${target.staff.id}/actions/unlock`,
      { confirmed: '1' },
      { csrfFrom: '/admin/staff' }
    )
    const unlocked = await StaffUser.findOrFail(target.staff.id)
    assert.equal(unlocked.state, 'active')
    assert.equal(unlocked.failedLoginCount, 0)
  })

  test('a staff session written back by a request still running during the reset stays ended', async ({
    assert,
  }) => {
    const target = await createStaff({ role: 'agent' })
    const targetAgent = new Agent()
    await loginStaff(targetAgent, target)
    /* the live one of the tag's sessions (a login renews the id) */
    const tagged = await redis.smembers(`session_tag:${SessionRegistry.staffTag(target.staff.id)}`)
    const live = await Promise.all(tagged.map(async (id) => [id, await redis.get(id)] as const))
    const [sessionId, inFlight] = live.find(([, data]) => data !== null)!
    assert.isString(inFlight)

    const admin = new Agent()
    await loginStaff(admin, await createStaff({ role: 'admin' }))
    await admin.post(
      `/admin/staff/${target.staff.id}/actions/reset_totp`,
      { confirmed: '1' },
      { csrfFrom: '/admin/staff' }
    )
    assert.isNull(await redis.get(sessionId))
    await redis.setex(sessionId, 1800, inFlight!)
    assert.equal((await targetAgent.get('/admin')).location, '/admin/login')
  })

  test('an admin cannot disable their own account', async ({ assert }) => {
    const admin = new Agent()
    const self = await createStaff({ role: 'admin' })
    await loginStaff(admin, self)
    await admin.post(
      `/admin/staff/${self.staff.id}/actions/disable`,
      { confirmed: '1' },
      { csrfFrom: '/admin/staff' }
    )
    assert.equal((await StaffUser.findOrFail(self.staff.id)).state, 'active')
  })
})
