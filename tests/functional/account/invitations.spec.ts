import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import {
  createMerchant,
  DEFAULT_PASSWORD,
  linkIn,
  loginAs,
  mailTo,
  pathOf,
} from '#tests/helpers/auth'

/*
| Invitations (PRODUCT „Access model“): an owner invites an address with a role; the
| mailed link works once for 7 days; a new address sets name and password and is active
| at once, an existing account accepts after logging in.
*/
const NEW_PASSWORD = 'Zwetschgen-Datschi-mit-Sahne-27'

async function ownerWithCustomer(locale = 'de') {
  const owner = await createMerchant({
    email: 'inhaber@example.com',
    locale,
    fullName: 'Ida Inhaberin',
    customers: [{ companyName: 'Einladung Baeckerei GmbH' }],
  })
  const agent = new Agent()
  await loginAs(agent, owner.user.email, DEFAULT_PASSWORD)
  return { owner, customer: owner.customers[0], agent }
}

async function invite(agent: Agent, customerId: number, email: string, role: string) {
  const response = await agent.post(
    '/account/users/invitations',
    { customer_id: customerId, email, role },
    { csrfFrom: '/account/users' }
  )
  return { response, page: await agent.follow(response) }
}

async function auditActions() {
  const rows = await db.from('audit_events').orderBy('id').select('action')
  return rows.map((row) => row.action as string)
}

test.group('Invitations', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('a new address sets name and password through the mail and is linked with its role at once', async ({
    assert,
  }) => {
    const { customer, agent } = await ownerWithCustomer()
    const { response, page } = await invite(agent, customer.id, 'Neu@Example.com', 'accountant')
    assert.equal(response.location, '/account/users')
    assert.include(page.text, 'Die Einladung an Neu@Example.com wurde versandt.')
    assert.include(page.text, 'Offene Einladungen')
    assert.include(page.text, 'neu@example.com')

    const mail = await mailTo('neu@example.com', 'Einladung zum Kundenportal')
    assert.include(mail.parsed.subject ?? '', 'Einladung Baeckerei GmbH')
    assert.include(mail.parsed.text ?? '', 'Ida Inhaberin')
    assert.include(mail.parsed.text ?? '', '„Buchhaltung“')
    const path = pathOf(linkIn(mail, '/invitation/'))

    const invitee = new Agent()
    const form = await invitee.get(path)
    assert.equal(form.status, 200)
    assert.equal(form.headers.get('referrer-policy'), 'no-referrer')
    assert.include(form.text, 'Einladung zum Kundenportal')
    assert.include(form.text, 'Legen Sie Ihren Namen und Ihr Passwort fest')

    /* the registration's password rule applies */
    const weak = await invitee.post(
      path,
      { full_name: 'Nora Neu', password: 'passwort1234', password_confirmation: 'passwort1234' },
      { csrfFrom: path }
    )
    assert.equal(weak.location, path)
    const again = await invitee.follow(weak)
    assert.include(again.text, 'field-error')
    assert.isNull(await User.findBy('email', 'neu@example.com'))

    const done = await invitee.post(
      path,
      { full_name: 'Nora Neu', password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD },
      { csrfFrom: path }
    )
    assert.equal(done.location, '/login')
    assert.include(
      (await invitee.follow(done)).text,
      'Ihr Zugang ist eingerichtet. Melden Sie sich jetzt an.'
    )
    const user = await User.findByOrFail('email', 'neu@example.com')
    assert.equal(user.state, 'active')
    assert.equal(user.fullName, 'Nora Neu')
    assert.isNotNull(user.emailVerifiedAt)
    const link = await db.from('customer_user').where({ user_id: user.id }).first()
    assert.equal(link.customer_id, customer.id)
    assert.equal(link.role, 'accountant')
    assert.equal(link.proven_by, 'invitation')

    await loginAs(new Agent(), 'neu@example.com', NEW_PASSWORD)

    /* single use: the link answers the invalid-link page */
    const used = await new Agent().get(path)
    assert.equal(used.status, 410)
    assert.include(used.text, 'Link ungültig oder abgelaufen')
    assert.include(used.text, 'Dieser Einladungslink wurde bereits verwendet')

    /* the owner's page no longer lists it as open, but the new user */
    const users = await agent.get('/account/users')
    assert.include(users.text, 'Keine offenen Einladungen.')
    assert.include(users.text, 'Nora Neu')
    const actions = await auditActions()
    assert.includeMembers(actions, ['invitation.created', 'invitation.accepted'])
    const accepted = await db.from('audit_events').where('action', 'invitation.accepted').first()
    assert.equal(accepted.subject_user_id, user.id)
  })

  test('an existing account accepts after logging in; another account cannot', async ({
    assert,
  }) => {
    const { customer, agent } = await ownerWithCustomer()
    const existing = await createMerchant({ email: 'bestand@example.com', customers: [{}] })
    await createMerchant({ email: 'fremd@example.com', customers: [{}] })
    await invite(agent, customer.id, 'bestand@example.com', 'viewer')
    const path = pathOf(linkIn(await mailTo('bestand@example.com', 'Einladung'), '/invitation/'))

    const guest = await new Agent().get(path)
    assert.equal(guest.status, 200)
    assert.include(guest.text, 'Für diese E-Mail-Adresse gibt es bereits einen Zugang.')
    assert.notInclude(guest.text, 'name="password"')

    /* logged in as someone else: refused, and the invitation stays open */
    const stranger = new Agent()
    await loginAs(stranger, 'fremd@example.com', DEFAULT_PASSWORD)
    assert.include((await stranger.get(path)).text, 'mit einer anderen E-Mail-Adresse angemeldet')
    const refused = await stranger.post(`${path}/accept`, {}, { csrfFrom: path })
    assert.equal(refused.location, path)

    /* the invitee logs in (back to the invitation) and accepts */
    const invitee = new Agent()
    const login = await loginAs(invitee, existing.user.email, DEFAULT_PASSWORD, path)
    assert.equal(login.location, path)
    const page = await invitee.get(path)
    assert.include(page.text, 'Sie sind als bestand@example.com angemeldet.')
    const accepted = await invitee.post(`${path}/accept`, {}, { csrfFrom: path })
    assert.equal(accepted.location, '/')
    assert.include((await invitee.follow(accepted)).text, 'Die Einladung wurde angenommen.')
    const link = await db
      .from('customer_user')
      .where({ user_id: existing.user.id, customer_id: customer.id })
      .first()
    assert.equal(link.role, 'viewer')
    assert.equal((await invitee.post(`${path}/accept`, {}, { csrfFrom: '/account' })).status, 410)
  })

  test('an address with access is told only to the owner; the owner revokes an open invitation', async ({
    assert,
  }) => {
    const { owner, customer, agent } = await ownerWithCustomer()
    const colleague = await createMerchant({ email: 'kollege@example.com', customers: [] })
    await colleague.user.related('customers').attach({
      [customer.id]: { role: 'viewer', proven_by: 'support' },
    })

    const { page } = await invite(agent, customer.id, 'kollege@example.com', 'accountant')
    assert.include(page.text, 'kollege@example.com hat bereits Zugriff auf diesen Kunden.')
    assert.lengthOf(await db.from('invitations'), 0)
    /* …and the owner themself */
    const self = await invite(agent, customer.id, owner.user.email, 'viewer')
    assert.include(self.page.text, 'hat bereits Zugriff auf diesen Kunden.')

    await invite(agent, customer.id, 'spaeter@example.com', 'viewer')
    const path = pathOf(linkIn(await mailTo('spaeter@example.com', 'Einladung'), '/invitation/'))
    const [row] = await db.from('invitations').where('email', 'spaeter@example.com')
    assert.notInclude(JSON.stringify(row), path.split('/').pop()!)
    const revoked = await agent.post(
      `/account/users/invitations/${row.id}/revoke`,
      {},
      { csrfFrom: '/account/users' }
    )
    assert.include(
      (await agent.follow(revoked)).text,
      'Die Einladung wurde zurückgezogen. Ihr Link ist nicht mehr gültig.'
    )
    const dead = await new Agent().get(path)
    assert.equal(dead.status, 410)
    assert.include(dead.text, 'Link ungültig oder abgelaufen')
    /* a second revoke, or one of another customer's invitation, is the shared 404 */
    const twice = await agent.post(
      `/account/users/invitations/${row.id}/revoke`,
      {},
      { csrfFrom: '/account/users' }
    )
    assert.equal(twice.status, 404)
    assert.includeMembers(await auditActions(), ['invitation.created', 'invitation.revoked'])
  })

  test('a new invitation replaces the open one; an expired link is refused', async ({ assert }) => {
    const { customer, agent } = await ownerWithCustomer()
    await invite(agent, customer.id, 'zweimal@example.com', 'viewer')
    const first = pathOf(linkIn(await mailTo('zweimal@example.com', 'Einladung'), '/invitation/'))
    smtpSink.clear()
    await invite(agent, customer.id, 'zweimal@example.com', 'accountant')
    const second = pathOf(linkIn(await mailTo('zweimal@example.com', 'Einladung'), '/invitation/'))
    assert.equal((await new Agent().get(first)).status, 410)
    assert.equal((await new Agent().get(second)).status, 200)

    await db.from('invitations').update({ expires_at: '2020-01-01 00:00:00' })
    const expired = await new Agent().get(second)
    assert.equal(expired.status, 410)
    const post = await new Agent().post(
      second,
      { full_name: 'Zu Spaet', password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD },
      { csrfFrom: '/login' }
    )
    assert.equal(post.status, 410)
    assert.isNull(await User.findBy('email', 'zweimal@example.com'))
    assert.equal((await new Agent().get('/invitation/kaputt')).status, 410)
  })

  test('only owners invite, and only to their own customers; an English owner invites in English', async ({
    assert,
  }) => {
    const { customer, agent } = await ownerWithCustomer('en')
    const other = await createMerchant({ email: 'anderer@example.com' })
    const foreign = await agent.post(
      '/account/users/invitations',
      { customer_id: other.customers[0].id, email: 'x@example.com', role: 'viewer' },
      { csrfFrom: '/account/users' }
    )
    assert.equal(foreign.status, 404)

    const viewer = await createMerchant({ email: 'ansicht@example.com', customers: [] })
    await viewer.user.related('customers').attach({
      [customer.id]: { role: 'viewer', proven_by: 'support' },
    })
    const viewerAgent = new Agent()
    await loginAs(viewerAgent, 'ansicht@example.com', DEFAULT_PASSWORD)
    const refused = await viewerAgent.post(
      '/account/users/invitations',
      { customer_id: customer.id, email: 'y@example.com', role: 'owner' },
      { csrfFrom: '/account' }
    )
    assert.equal(refused.status, 404)
    assert.lengthOf(await db.from('invitations'), 0)

    await invite(agent, customer.id, 'english@example.com', 'viewer')
    const mail = await mailTo('english@example.com', 'Invitation to the customer portal')
    assert.include(mail.parsed.text ?? '', 'with the role “Viewer”')
  })
})
