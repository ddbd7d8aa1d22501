import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { createMerchant, linkIn, loginAs, mailTo, pathOf } from '#tests/helpers/auth'
import { getBytes, member, readZip, ticketOf } from '#tests/functional/privacy/fixtures'
import { DataExportService } from '#services/privacy/data_export_service'

/*
| „Meine Daten herunterladen“ (issue 18, point 1): the ZIP holds exactly the user's
| data and nothing of a co-user on the same customer; the mailed link works once,
| only for that user logged in, and expires. The real way: page → queue → worker →
| ZIP on disk → mail in the SMTP sink → download.
*/

const OWNER = 'inhaberin@export.example'
const CO_USER = 'kollege@export.example'
const SUBJECT = 'Ihre Daten stehen zum Herunterladen bereit'

async function setup() {
  const owner = await createMerchant({
    email: OWNER,
    fullName: 'Ines Export',
    locale: 'de',
    customers: [{ companyName: 'Export Bäckerei GmbH', email: 'buero@baeckerei.example' }],
  })
  const customer = owner.customers[0]
  const coUser = await member(customer, CO_USER, 'accountant', 'Konrad Kollege')
  await ticketOf(owner.user, customer, 'Meine eigene Frage zur Rechnung', 'INTERNE NOTIZ geheim')
  await ticketOf(coUser.user, customer, 'Frage des Kollegen zu Terminals')
  /* the co-user signed in from elsewhere */
  const coAgent = new Agent({ 'user-agent': 'KollegenBrowser/9.9' })
  await loginAs(coAgent, CO_USER, coUser.password)
  const agent = new Agent({ 'user-agent': 'InesBrowser/1.0' })
  await loginAs(agent, OWNER, owner.password)
  return { owner, coUser, customer, agent, coAgent }
}

async function requestExport(agent: Agent) {
  const response = await agent.post('/account/privacy/export', {}, { csrfFrom: '/account/privacy' })
  return response
}

test.group('Privacy / data export', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })
  group.each.timeout(60_000)

  test('the ZIP holds exactly the user’s data, nothing of a co-user', async ({ assert }) => {
    const { agent } = await setup()
    const started = await requestExport(agent)
    assert.equal(started.status, 302)
    const page = await agent.follow(started)
    assert.include(page.text, 'Ihre Daten werden zusammengestellt')

    const mail = await mailTo(OWNER, SUBJECT, 30_000)
    const link = linkIn(mail, '/account/privacy/export/')
    const status = await agent.get('/account/privacy')
    assert.include(status.text, 'Bereit')
    assert.include(status.text, 'data-export-status="ready"')

    const download = await getBytes(agent, pathOf(link))
    assert.equal(download.status, 200)
    assert.equal(download.headers.get('content-type'), 'application/zip')
    const files = await readZip(download.body)
    assert.sameMembers(
      [...files.keys()],
      [
        'README.txt',
        ...[
          'profile',
          'customers',
          'sessions',
          'sign_ins',
          'tickets',
          'ticket_messages',
          'settings',
        ].flatMap((name) => [`${name}.json`, `${name}.csv`]),
      ]
    )
    assert.include(files.get('README.txt')!, 'Ihre Daten aus dem Kundenportal')

    const profile = JSON.parse(files.get('profile.json')!)
    assert.equal(profile[0].email, OWNER)
    assert.equal(profile[0].full_name, 'Ines Export')
    assert.notProperty(profile[0], 'password')
    const customers = JSON.parse(files.get('customers.json')!)
    assert.deepEqual(
      customers.map((c: any) => [c.company_name, c.role]),
      [['Export Bäckerei GmbH', 'owner']]
    )
    const sessions = JSON.parse(files.get('sessions.json')!)
    assert.isAtLeast(sessions.length, 1)
    assert.isTrue(sessions.every((s: any) => s.user_agent === 'InesBrowser/1.0'))
    const signIns = JSON.parse(files.get('sign_ins.json')!)
    assert.isTrue(signIns.some((s: any) => s.event === 'login.succeeded'))
    assert.isTrue(signIns.every((s: any) => s.user_agent === 'InesBrowser/1.0'))
    const messages = JSON.parse(files.get('ticket_messages.json')!)
    assert.deepEqual(
      messages.map((m: any) => m.body),
      ['Meine eigene Frage zur Rechnung']
    )
    const settings = JSON.parse(files.get('settings.json')!)
    assert.equal(settings[0].two_factor_enabled, false)
    assert.include(files.get('profile.csv')!, 'E-Mail-Adresse;Name')
    assert.include(files.get('settings.csv')!, 'nein')
    /* the CSV files speak the reader's language; the JSON files keep the codes */
    assert.include(files.get('customers.csv')!, 'Inhaber')
    assert.notInclude(files.get('customers.csv')!, ';owner;')
    assert.include(files.get('sign_ins.csv')!, 'Anmeldung')
    assert.notInclude(files.get('sign_ins.csv')!, 'login.succeeded')

    const everything = [...files.values()].join('\n')
    for (const foreign of [
      CO_USER,
      'Konrad Kollege',
      'Frage des Kollegen',
      'KollegenBrowser',
      'INTERNE NOTIZ',
      '$argon2',
    ]) {
      assert.notInclude(everything, foreign, `${foreign} must not be in the export`)
    }
  })

  test('the link works once, only for that user, and expires', async ({ assert }) => {
    const { agent, coAgent } = await setup()
    await requestExport(agent)
    const mail = await mailTo(OWNER, SUBJECT, 30_000)
    const path = pathOf(linkIn(mail, '/account/privacy/export/'))

    /* another user (logged in) gets the same 404 as for a made-up link */
    assert.equal((await getBytes(coAgent, path)).status, 404)
    assert.equal((await coAgent.get('/account/privacy/export/' + 'x'.repeat(43))).status, 404)
    /* logged out: to the login, and back here afterwards */
    const anonymous = new Agent()
    const away = await anonymous.get(path)
    assert.equal(away.status, 302)
    assert.include(away.location!, '/login?redirect=' + encodeURIComponent(path))

    const first = await getBytes(agent, path)
    assert.equal(first.status, 200)
    assert.isAbove(first.body.length, 100)
    const second = await agent.get(path)
    assert.equal(second.status, 410)
    assert.include(second.text, 'Dieser Link wurde bereits verwendet')
    const row = await db.from('data_exports').orderBy('id', 'desc').first()
    assert.equal(row.status, 'downloaded')
    assert.notInclude(row.token_hash, path.split('/').pop()!)

    /* a new export whose 24 h have passed */
    smtpSink.clear()
    await requestExport(agent)
    const again = pathOf(linkIn(await mailTo(OWNER, SUBJECT, 30_000), '/account/privacy/export/'))
    assert.notEqual(again, path)
    await db
      .from('data_exports')
      .whereNull('downloaded_at')
      .update({ expires_at: DateTime.now().minus({ minutes: 1 }).toSQL({ includeOffset: false }) })
    const expired = await agent.get(again)
    assert.equal(expired.status, 410)
    assert.include(expired.text, 'Dieser Link ist abgelaufen')
    const page = await agent.get('/account/privacy')
    assert.include(page.text, 'Abgelaufen')
  })

  test('two clicks at once start one export; one that stalled no longer blocks a new one', async ({
    assert,
  }) => {
    const { owner } = await setup()
    const answers = await Promise.all([
      DataExportService.request(owner.user),
      DataExportService.request(owner.user),
    ])
    assert.deepEqual(answers.map((answer) => answer.created).sort(), [false, true])
    assert.lengthOf(await db.from('data_exports').where('user_id', owner.user.id), 1)
    await mailTo(OWNER, SUBJECT, 30_000)

    /* a request whose job was lost (Redis gone while queueing, a worker killed) */
    const now = DateTime.utc()
    const [stalledId] = await db.table('data_exports').insert({
      user_id: owner.user.id,
      status: 'queued',
      progress: 0,
      locale: 'de',
      created_at: now.minus({ hours: 2 }).toFormat('yyyy-MM-dd HH:mm:ss'),
      updated_at: now.minus({ minutes: 31 }).toFormat('yyyy-MM-dd HH:mm:ss'),
    })
    const again = await DataExportService.request(owner.user)
    assert.isTrue(again.created)
    assert.equal((await db.from('data_exports').where('id', stalledId).first()).status, 'failed')
    /* an admin retrying the failed job (/admin/jobs) builds it after all */
    await DataExportService.build(Number(stalledId))
    assert.equal((await db.from('data_exports').where('id', stalledId).first()).status, 'ready')
    await smtpSink.waitFor(
      (mail) => (mail.parsed.subject ?? '') === SUBJECT && smtpSink.to(OWNER).length >= 3,
      30_000
    )
  })

  test('a link mail that cannot be queued leaves the export unfinished; the retry mails a working link', async ({
    assert,
  }) => {
    const { owner, agent } = await setup()
    const now = DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss')
    const [exportId] = await db.table('data_exports').insert({
      user_id: owner.user.id,
      status: 'queued',
      progress: 0,
      locale: 'de',
      created_at: now,
      updated_at: now,
    })
    /* Redis refuses every write (out of memory): the mail queue cannot take the link */
    await redis.config('SET', 'maxmemory', '1')
    let failed = false
    try {
      await DataExportService.build(Number(exportId))
    } catch {
      failed = true
    } finally {
      await redis.config('SET', 'maxmemory', '0')
    }
    assert.isTrue(failed, 'the build must fail while the mail cannot be queued')
    const unfinished = await db.from('data_exports').where('id', exportId).first()
    assert.notEqual(unfinished.status, 'ready')
    assert.isNull(unfinished.token_hash)

    /* the job's retry: built again, and this time the link arrives and works */
    await DataExportService.build(Number(exportId))
    assert.equal((await db.from('data_exports').where('id', exportId).first()).status, 'ready')
    const path = pathOf(linkIn(await mailTo(OWNER, SUBJECT, 30_000), '/account/privacy/export/'))
    const download = await getBytes(agent, path)
    assert.equal(download.status, 200)
    assert.isAbove(download.body.length, 100)
  })

  test('the account page offers the download', async ({ assert }) => {
    const { agent } = await setup()
    const page = await agent.get('/account')
    assert.include(page.text, 'Meine Daten herunterladen')
    assert.include(page.text, 'Konto löschen')
  })
})
