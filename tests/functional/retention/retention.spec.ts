import { test } from '@japa/runner'
import { randomBytes } from 'node:crypto'
import { mkdir, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { existsSync } from 'node:fs'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { urlFor } from '@adonisjs/core/services/url_builder'
import operator from '#config/operator'
import { exportStoragePath, retention } from '#config/portal'
import { resetState } from '#tests/helpers/db'
import { Agent } from '#tests/helpers/agent'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { runRetention } from '#services/retention/retention_service'
import { registerRetentionScheduler } from '#services/retention/retention_scheduler'
import { enqueue, getQueue } from '#services/queue/queues'
import { retentionJob } from '#jobs/retention'

/*
| The retention run (issue 18, point 3; docs/retention.md): IP addresses and user
| agents go after RETENTION_IP_DAYS (90), expired one-time links are deleted,
| registrations never confirmed go after RETENTION_UNVERIFIED_DAYS (7), expired
| export ZIPs are deleted; the Datenschutzerklärung states these periods.
*/

const UA = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0 RetentionTest'

const sqlTime = (value: DateTime) => value.toUTC().toFormat('yyyy-MM-dd HH:mm:ss')

async function auditEvent(
  daysAgo: number,
  ip: string,
  meta: Record<string, unknown> | null = null
) {
  const [id] = await db.table('audit_events').insert({
    actor_type: 'anonymous',
    action: 'login.failed',
    ip,
    user_agent: UA,
    meta: meta ? JSON.stringify(meta) : null,
    created_at: sqlTime(DateTime.now().minus({ days: daysAgo })),
  })
  return Number(id)
}

const row = (table: string, id: number) => db.from(table).where('id', id).first()

/** The page as a reader sees it: no tags, entities decoded, spaces collapsed. */
function visible(html: string) {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code) => String.fromCodePoint(Number.parseInt(code, 16)))
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&')
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/\s+/g, ' ')
}

/** A ready export row for `relative` (its file is the caller's), expiring in `hours`. */
async function readyExport(userId: number, relative: string, hours: number) {
  const now = sqlTime(DateTime.now())
  const [id] = await db.table('data_exports').insert({
    user_id: userId,
    status: 'ready',
    progress: 100,
    locale: 'de',
    file_path: relative,
    token_hash: randomBytes(32).toString('hex'),
    expires_at: sqlTime(DateTime.now().plus({ hours })),
    ready_at: now,
    created_at: now,
    updated_at: now,
  })
  return Number(id)
}

test.group('Retention / the daily run', (group) => {
  group.each.setup(() => resetState())

  test('IP addresses and user agents 91 days old are gone, 89 days old are kept', async ({
    assert,
  }) => {
    assert.equal(retention.ipDays, 90)
    const old = await auditEvent(91, '203.0.113.91')
    const young = await auditEvent(89, '203.0.113.89')
    const ended = await auditEvent(91, '203.0.113.7', {
      session_ip: '198.51.100.23',
      session_user_agent: UA,
    })

    const result = await runRetention()
    assert.equal(result.auditEventsAnonymised, 2)
    assert.equal(result.auditMetaAnonymised, 1)

    const gone = await row('audit_events', old)
    assert.isNull(gone.ip)
    assert.isNull(gone.user_agent)
    assert.equal(gone.action, 'login.failed', 'the event itself stays')
    const kept = await row('audit_events', young)
    assert.equal(kept.ip, '203.0.113.89')
    assert.equal(kept.user_agent, UA)
    const meta = JSON.parse((await row('audit_events', ended)).meta)
    assert.deepEqual(meta, { session_ip: null, session_user_agent: null })

    /* the run is recorded, without any address */
    const run = await db.from('audit_events').where('action', 'retention.run').first()
    assert.exists(run)
    assert.equal(JSON.parse(run.meta).auditEventsAnonymised, 2)

    /* idempotent: a second run finds nothing to do and records nothing */
    const again = await runRetention()
    assert.equal(again.auditEventsAnonymised, 0)
    assert.equal(again.auditMetaAnonymised, 0)
    const runs = await db.from('audit_events').where('action', 'retention.run').count('* as n')
    assert.equal(Number(runs[0].n), 1)
    assert.equal((await row('audit_events', young)).ip, '203.0.113.89')
  })

  test('on a clock set forward, a real sign-in loses its IP after 90 days in the sign-in history', async ({
    assert,
  }) => {
    const { user, password } = await createMerchant({ email: 'history@retention.example' })
    const agent = new Agent({ 'user-agent': UA, 'accept-language': 'de-DE,de;q=0.9' })
    await loginAs(agent, user.email, password)
    const signIn = await db
      .from('audit_events')
      .where({ action: 'login.succeeded', subject_user_id: user.id })
      .first()
    assert.isNotNull(signIn.ip)
    assert.equal(signIn.user_agent, UA)

    await runRetention(DateTime.now().plus({ days: 89 }))
    assert.isNotNull((await row('audit_events', signIn.id)).ip)

    await runRetention(DateTime.now().plus({ days: 91 }))
    const after = await row('audit_events', signIn.id)
    assert.isNull(after.ip)
    assert.isNull(after.user_agent)
    /* the sign-in history still lists the sign-in, without address or browser (the live
       session list above it shows this session's own, kept in Redis while it lasts) */
    const html = (await agent.get(urlFor('account.show'))).text
    const history = visible(/<section[^>]*id="sign-ins"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '')
    assert.include(history, 'Angemeldet')
    assert.notInclude(history, 'Firefox')
    assert.notInclude(history, signIn.ip)
  })

  test('expired one-time links are deleted, live ones kept', async ({ assert }) => {
    const { user } = await createMerchant({ email: 'links@retention.example' })
    const token = (minutes: number) =>
      db
        .table('one_time_tokens')
        .insert({
          user_id: user.id,
          purpose: 'password_reset',
          token_hash: randomBytes(32).toString('hex'),
          expires_at: sqlTime(DateTime.now().plus({ minutes })),
          created_at: sqlTime(DateTime.now().minus({ hours: 1 })),
        })
        .then(([id]) => Number(id))
    const expired = await token(-5)
    const live = await token(30)

    const result = await runRetention()
    assert.equal(result.oneTimeTokensDeleted, 1)
    assert.notExists(await row('one_time_tokens', expired))
    assert.exists(await row('one_time_tokens', live))

    /* an hour later the live one has expired too */
    await runRetention(DateTime.now().plus({ hours: 1 }))
    assert.notExists(await row('one_time_tokens', live))
    assert.exists(await row('users', user.id), 'a confirmed account stays')
  })

  test('a registration never confirmed goes after 7 days with its links; 6 days old stays', async ({
    assert,
  }) => {
    const registered = async (email: string, daysAgo: number) => {
      const { user, customers } = await createMerchant({ email, state: 'pending_verification' })
      const at = sqlTime(DateTime.now().minus({ days: daysAgo }))
      await db.from('users').where('id', user.id).update({ created_at: at, updated_at: at })
      await db.table('one_time_tokens').insert({
        user_id: user.id,
        purpose: 'verify_email',
        token_hash: randomBytes(32).toString('hex'),
        expires_at: sqlTime(DateTime.now().plus({ days: 1 })),
        created_at: at,
      })
      await db.table('audit_events').insert({
        actor_type: 'anonymous',
        action: 'registration.created',
        subject_user_id: user.id,
        ip: '192.0.2.1',
        user_agent: UA,
        created_at: sqlTime(DateTime.now().minus({ days: 1 })),
      })
      return { user, customer: customers[0] }
    }
    const stale = await registered('stale@retention.example', 8)
    const fresh = await registered('fresh@retention.example', 6)
    const active = await createMerchant({ email: 'active@retention.example' })
    await db
      .from('users')
      .where('id', active.user.id)
      .update({ created_at: sqlTime(DateTime.now().minus({ days: 30 })) })

    const result = await runRetention()
    assert.equal(result.unverifiedUsersDeleted, 1)

    assert.notExists(await db.from('users').where('email', 'stale@retention.example').first())
    assert.lengthOf(await db.from('one_time_tokens').where('user_id', stale.user.id), 0)
    assert.lengthOf(await db.from('customer_user').where('user_id', stale.user.id), 0)
    assert.exists(await row('customers', stale.customer.id), 'the customer stays')
    /* its audit events keep the action, not the person */
    const events = await db.from('audit_events').where('action', 'registration.created')
    const orphan = events.find((event) => event.subject_user_id === null)
    assert.exists(orphan)
    assert.isNull(orphan.ip)
    assert.isNull(orphan.user_agent)
    assert.lengthOf(await db.from('audit_events').where('subject_user_id', stale.user.id), 0)

    assert.exists(await db.from('users').where('email', 'fresh@retention.example').first())
    assert.lengthOf(await db.from('one_time_tokens').where('user_id', fresh.user.id), 1)
    assert.lengthOf(await db.from('customer_user').where('user_id', fresh.user.id), 1)
    assert.exists(await db.from('users').where('email', 'active@retention.example').first())
  })

  test('expired export ZIPs are deleted; a live one stays', async ({ assert }) => {
    if (!(await db.connection().schema.hasTable('data_exports'))) {
      assert.isNull((await runRetention()).dataExportsDeleted)
      return
    }
    const { user } = await createMerchant({ email: 'export@retention.example' })
    const zip = async (expiresInHours: number) => {
      const relative = `${user.id}/retention-${randomBytes(6).toString('hex')}.zip`
      await mkdir(app.makePath(exportStoragePath, String(user.id)), { recursive: true })
      await writeFile(app.makePath(exportStoragePath, relative), 'PK')
      const id = await readyExport(user.id, relative, expiresInHours)
      return { id, file: app.makePath(exportStoragePath, relative) }
    }
    const expired = await zip(-1)
    const live = await zip(23)

    const result = await runRetention()
    assert.equal(result.dataExportsDeleted, 1)
    assert.isFalse(existsSync(expired.file))
    const gone = await row('data_exports', expired.id)
    assert.isNull(gone.file_path)
    assert.equal(gone.status, 'expired')
    assert.isTrue(existsSync(live.file))

    await runRetention(DateTime.now().plus({ hours: retention.dataExportHours }))
    assert.isFalse(existsSync(live.file))
  })

  test('what a failed or killed export build left in the folder is swept once it is old', async ({
    assert,
  }) => {
    if (!(await db.connection().schema.hasTable('data_exports'))) {
      assert.isNull((await runRetention()).exportLeftoversDeleted)
      return
    }
    const { user } = await createMerchant({ email: 'leftover@retention.example' })
    const folder = app.makePath(exportStoragePath, String(user.id))
    await mkdir(folder, { recursive: true })
    const file = async (name: string, ageHours: number) => {
      const path = join(folder, name)
      await writeFile(path, 'PK')
      const when = new Date(Date.now() - ageHours * 3600_000)
      await utimes(path, when, when)
      return path
    }
    const killedBuild = await file(`9001-${randomBytes(4).toString('hex')}.zip.part`, 30)
    const unsavedRow = await file(`9002-${randomBytes(4).toString('hex')}.zip`, 30)
    const building = await file(`9003-${randomBytes(4).toString('hex')}.zip.part`, 0)
    /* an export the user can still download, its file as old */
    const relative = `${user.id}/ready-${randomBytes(4).toString('hex')}.zip`
    const ready = await file(relative.split('/')[1], 30)
    await readyExport(user.id, relative, 3)

    const result = await runRetention()
    assert.isAtLeast(result.exportLeftoversDeleted!, 2)
    assert.isFalse(existsSync(killedBuild))
    assert.isFalse(existsSync(unsavedRow))
    assert.isTrue(existsSync(building), 'a build still writing is left alone')
    assert.isTrue(existsSync(ready), 'a file an export row names is left to its expiry')
  })

  test('the job runs in the worker like the schedule starts it', async ({ assert }) => {
    const old = await auditEvent(120, '203.0.113.120')
    await enqueue(retentionJob.queue, retentionJob.name, { triggeredBy: 'test' })
    const deadline = Date.now() + 15_000
    while ((await row('audit_events', old)).ip !== null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    assert.isNull((await row('audit_events', old)).ip)
  })
})

test.group('Retention / schedule and privacy notice', (group) => {
  group.each.setup(() => resetState())

  test('registering at every worker start leaves exactly one schedule: daily 03:30, Berlin', async ({
    assert,
  }) => {
    const queue = getQueue(retentionJob.queue)
    await Promise.all([registerRetentionScheduler(), registerRetentionScheduler()])
    await registerRetentionScheduler()
    const ours = (await queue.getJobSchedulers()).filter(
      (entry) => entry.key === retentionJob.schedulerId
    )
    assert.lengthOf(ours, 1)
    assert.equal(ours[0].pattern, '30 3 * * *')
    assert.equal(ours[0].tz, 'Europe/Berlin')
    const next = DateTime.fromMillis(Number(ours[0].next)).setZone('Europe/Berlin')
    assert.equal(next.hour, 3)
    assert.equal(next.minute, 30)
    const delayed = (await queue.getDelayed()).filter((job) => job.name === retentionJob.name)
    assert.lengthOf(delayed, 1)
    await queue.removeJobScheduler(retentionJob.schedulerId)
  })

  test('the Datenschutzerklärung states the configured periods, in German and English', async ({
    assert,
  }) => {
    const { ipDays, unverifiedDays, dataExportHours } = operator.retention
    assert.equal(ipDays, retention.ipDays)
    const expected = {
      de: [
        `Anmeldeverlauf Ihres Kontos: ${ipDays} Tage`,
        `nicht bestätigt wurde: ${unverifiedDays} Tage nach der Registrierung`,
        `Der Download-Link gilt ${dataExportHours} Stunden und nur einmal`,
        'Die Löschung läuft automatisch jede Nacht.',
      ],
      en: [
        `sign-in history: ${ipDays} days`,
        `never confirmed: ${unverifiedDays} days after registering`,
        `the download link is valid for ${dataExportHours} hours and only once`,
        'Deletion runs automatically every night.',
      ],
    }
    for (const locale of ['de', 'en'] as const) {
      const agent = new Agent({ 'accept-language': locale === 'de' ? 'de-DE,de' : 'en-US,en' })
      const page = await agent.get(urlFor('legal.privacy'))
      assert.equal(page.status, 200)
      const text = visible(page.text)
      for (const phrase of expected[locale]) assert.include(text, phrase, `${locale}: ${phrase}`)
    }
  })
})
