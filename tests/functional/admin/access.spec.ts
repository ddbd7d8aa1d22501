import { test } from '@japa/runner'
import User from '#models/user'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { createStaff, loginStaff } from '#tests/helpers/staff'

const ADMIN_PAGES = [
  '/admin',
  '/admin/users',
  '/admin/tickets',
  '/admin/customers',
  '/admin/terminals',
  '/admin/audit',
  '/admin/jobs',
  '/admin/users/1',
]

test.group('Admin area access', (group) => {
  group.each.setup(() => resetState())

  test('without any session every admin page redirects to the admin login', async ({ assert }) => {
    const agent = new Agent()
    for (const path of ADMIN_PAGES) {
      const response = await agent.get(path)
      assert.equal(response.status, 302, path)
      assert.equal(response.location, '/admin/login', path)
    }
  })

  test('a merchant session never opens /admin and changes nothing', async ({ assert }) => {
    const merchant = await createMerchant()
    const locked = await createMerchant({ state: 'locked' })
    const agent = new Agent()
    await loginAs(agent, merchant.user.email, merchant.password)
    assert.equal((await agent.get('/')).status, 200)
    for (const path of ADMIN_PAGES) {
      const response = await agent.get(path)
      assert.equal(response.location, '/admin/login', path)
    }
    const unlock = await agent.post(
      `/admin/users/${locked.user.id}/actions/unlock`,
      { confirmed: '1' },
      { csrfFrom: '/' }
    )
    assert.equal(unlock.location, '/admin/login')
    await locked.user.refresh()
    assert.equal(locked.user.state, 'locked')
  })

  test('a staff session is not a merchant session', async ({ assert }) => {
    const agent = new Agent()
    await loginStaff(agent, await createStaff())
    assert.equal((await agent.get('/admin')).status, 200)
    const merchantPage = await agent.get('/')
    assert.equal(merchantPage.status, 302)
    assert.match(merchantPage.location ?? '', /^\/login/)
  })

  test('an agent without the completed TOTP step gets no admin page and cannot act', async ({
    assert,
  }) => {
    const staff = await createStaff()
    const locked = await createMerchant({ state: 'locked' })
    const agent = new Agent()
    await agent.post(
      '/admin/login',
      { email: staff.email, password: staff.password },
      { csrfFrom: '/admin/login' }
    )
    for (const path of ADMIN_PAGES) {
      assert.equal((await agent.get(path)).location, '/admin/login/totp', path)
    }
    const unlock = await agent.post(
      `/admin/users/${locked.user.id}/actions/unlock`,
      { confirmed: '1' },
      { csrfFrom: '/admin/login/totp' }
    )
    assert.equal(unlock.location, '/admin/login/totp')
    assert.equal((await User.findOrFail(locked.user.id)).state, 'locked')
  })

  test('the audit log is for admins only', async ({ assert }) => {
    const agent = new Agent()
    await loginStaff(agent, await createStaff({ role: 'agent' }))
    const forbidden = await agent.get('/admin/audit')
    assert.equal(forbidden.status, 403)
    assert.notInclude((await agent.get('/admin')).text, 'href="/admin/audit"')

    const admin = new Agent()
    await loginStaff(admin, await createStaff({ role: 'admin' }))
    const page = await admin.get('/admin/audit')
    assert.equal(page.status, 200)
    assert.include(page.text, 'Audit-Log')
  })

  test('a locked or disabled staff account loses its session on the next request', async ({
    assert,
  }) => {
    const staff = await createStaff()
    const agent = new Agent()
    await loginStaff(agent, staff)
    staff.staff.state = 'disabled'
    await staff.staff.save()
    assert.equal((await agent.get('/admin')).location, '/admin/login')

    const locked = await createStaff()
    const other = new Agent()
    await loginStaff(other, locked)
    assert.equal((await other.get('/admin')).status, 200)
    locked.staff.state = 'locked'
    await locked.staff.save()
    assert.equal((await other.get('/admin')).location, '/admin/login')
  })
})
