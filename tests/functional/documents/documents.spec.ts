import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { appendFile, chmod, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type Customer from '#models/customer'
import type { CustomerRole } from '#models/customer_user'
import { documentMaxBytes, documentStoragePath } from '#config/portal'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { Agent, type AgentResponse } from '#tests/helpers/agent'
import { createMerchant, loginAs, mailTo, linkIn, pathOf } from '#tests/helpers/auth'
import { createStaff, loginStaff } from '#tests/helpers/staff'
import { logOffset, logTextFlushed } from '#tests/helpers/stored_text'

/*
| „Dokumente“ (issue 18, point 4): support uploads a customer's PDF in /admin or
| with `node ace documents:add`; only real PDFs within the limit are taken, stored
| once with their SHA-256; owners and accountants list and download them (a read
| receipt in the audit trail), viewers and other customers get the 404; owners
| and accountants get a mail in their language.
*/

const OWNER = 'inhaberin@dokumente.example'
const ACCOUNTANT = 'accountant@dokumente.example'
const VIEWER = 'ansicht@dokumente.example'

/** A small but real PDF (header, one empty page, trailer). */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1'
)
const ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 1)])
const EXE = Buffer.concat([Buffer.from('MZ', 'latin1'), Buffer.alloc(300, 0x90)])
const HTML = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>')

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** A customer with its owner (German), an accountant (English) and a viewer. */
async function team() {
  const owner = await createMerchant({
    email: OWNER,
    locale: 'de',
    customers: [{ customerNumber: 'L5500001', companyName: 'Dokument Bäckerei GmbH' }],
  })
  const customer = owner.customers[0]
  const accountant = await member(customer, ACCOUNTANT, 'accountant', 'en')
  const viewer = await member(customer, VIEWER, 'viewer', 'de')
  return { owner: owner.user, accountant, viewer, customer, password: owner.password }
}

async function member(customer: Customer, email: string, role: CustomerRole, locale: string) {
  const { user } = await createMerchant({ email, locale, customers: [] })
  await user.related('customers').attach({ [customer.id]: { role, proven_by: 'support' } })
  return user
}

/** Posts the upload form as a browser does: multipart with the page's CSRF token. */
async function upload(
  agent: Agent,
  customerId: number,
  fields: { title?: string; kind?: string },
  file: { name: string; bytes: Uint8Array; type?: string } | null,
  csrfFrom?: string
): Promise<AgentResponse> {
  const path = `/admin/customers/${customerId}/documents`
  const token = await agent.csrf(csrfFrom ?? path)
  const form = new FormData()
  form.append('_csrf', token)
  if (fields.title !== undefined) form.append('title', fields.title)
  if (fields.kind !== undefined) form.append('kind', fields.kind)
  if (file) {
    form.append('file', new Blob([file.bytes], { type: file.type ?? 'application/pdf' }), file.name)
  }
  const cookie = [...agent.jar].map(([name, value]) => `${name}=${value}`).join('; ')
  const response = await fetch(agent.baseUrl + path, {
    method: 'POST',
    headers: { ...agent.defaultHeaders, cookie },
    body: form,
    redirect: 'manual',
  })
  for (const set of response.headers.getSetCookie()) {
    const [pair] = set.split(';')
    const index = pair.indexOf('=')
    const value = pair.slice(index + 1).trim()
    if (value) agent.jar.set(pair.slice(0, index).trim(), value)
    else agent.jar.delete(pair.slice(0, index).trim())
  }
  return {
    status: response.status,
    headers: response.headers,
    text: await response.text(),
    location: response.headers.get('location'),
  }
}

async function staffAgent(headers: Record<string, string> = {}) {
  const staff = await createStaff()
  const agent = new Agent(headers)
  await loginStaff(agent, staff)
  return { agent, staff: staff.staff }
}

async function merchantAgent(
  email: string,
  password: string,
  headers: Record<string, string> = {}
) {
  const agent = new Agent(headers)
  await loginAs(agent, email, password)
  return agent
}

/** Runs the real `node ace …` against the test database; never rejects. */
function ace(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['ace', ...args, '--no-ansi'],
      { cwd: app.makePath(), env: process.env },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
      }
    )
  })
}

async function tempFile(name: string, bytes: Uint8Array) {
  const dir = await mkdtemp(join(tmpdir(), 'kp-documents-'))
  const path = join(dir, name)
  await writeFile(path, bytes)
  return path
}

const storedPath = (relative: string) => app.makePath(documentStoragePath, relative)
const documents = () => db.from('documents').orderBy('id')
const textOf = (mail: { parsed: { text?: string } }) =>
  (mail.parsed.text ?? '').replace(/[\u00a0\u202f\s]+/g, ' ')
const receiptCount = async () =>
  Number((await db.from('audit_events').where('action', 'document.read').count('* as n'))[0].n)
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500))

/** Downloads as a browser does, keeping the bytes. */
async function download(agent: Agent, id: number) {
  const cookie = [...agent.jar].map(([name, value]) => `${name}=${value}`).join('; ')
  const response = await fetch(`${agent.baseUrl}/documents/${id}`, {
    headers: { ...agent.defaultHeaders, cookie },
    redirect: 'manual',
  })
  return { response, bytes: Buffer.from(await response.arrayBuffer()) }
}

test.group('Documents: upload by support', (group) => {
  group.each.setup(async () => {
    /* a mail of the previous test may still be on its way */
    await settle()
    await resetState()
    smtpSink.clear()
  })

  test('a real PDF is stored once with its SHA-256, unchanged, and the upload is audited', async ({
    assert,
  }) => {
    const { customer } = await team()
    const { agent, staff } = await staffAgent()

    const customerPage = await agent.get(`/admin/customers/${customer.id}`)
    assert.include(customerPage.text, `/admin/customers/${customer.id}/documents`)

    const response = await upload(
      agent,
      customer.id,
      { title: 'Preisblatt 2027', kind: 'price_list' },
      { name: '../Preisblatt 2027 (final).pdf', bytes: PDF }
    )
    assert.equal(response.status, 302, response.text.slice(0, 3000))
    const page = await agent.follow(response)
    assert.include(page.text, 'Das Dokument „Preisblatt 2027“ ist gespeichert')
    assert.include(page.text, 'Preisblatt 2027')

    const rows = await documents()
    assert.lengthOf(rows, 1)
    const row = rows[0]
    assert.equal(row.customer_id, customer.id)
    assert.equal(row.kind, 'price_list')
    assert.equal(Number(row.size), PDF.length)
    assert.equal(row.sha256, sha256(PDF))
    assert.equal(row.original_filename, 'Preisblatt_2027_final_.pdf')
    assert.equal(row.uploaded_by_staff_id, staff.id)
    assert.notProperty(row, 'updated_at')
    const stored = await readFile(storedPath(row.file_path))
    assert.isTrue(stored.equals(PDF))
    /* written once: read-only on disk */
    assert.equal((await stat(storedPath(row.file_path))).mode & 0o222, 0)

    const audit = await db.from('audit_events').where('action', 'document.added').first()
    assert.equal(audit.actor_type, 'staff')
    assert.equal(audit.actor_id, staff.id)
    assert.equal(JSON.parse(audit.meta).document_id, row.id)
    assert.equal(JSON.parse(audit.meta).sha256, sha256(PDF))
  })

  test('a card number in the file name is stored and sent masked', async ({ assert }) => {
    const { customer } = await team()
    const { agent } = await staffAgent()
    const response = await upload(
      agent,
      customer.id,
      { title: 'Beleg', kind: 'price_list' },
      { name: 'Karte 4556 1912 0731 1041.pdf', bytes: PDF }
    )
    assert.equal(response.status, 302)
    const [row] = await documents()
    assert.equal(row.original_filename, 'Karte_4556_19xx_xxxx_1041.pdf')
  })

  test('a .pdf that is really a ZIP, an EXE or HTML is refused with a clear message', async ({
    assert,
  }) => {
    const { customer } = await team()
    const { agent } = await staffAgent()

    for (const bytes of [ZIP, EXE, HTML]) {
      const response = await upload(
        agent,
        customer.id,
        { title: 'Vertrag', kind: 'contract' },
        { name: 'vertrag.pdf', bytes }
      )
      assert.equal(response.status, 302, response.text.slice(0, 3000))
      const page = await agent.follow(response)
      assert.include(
        page.text,
        'Die Datei ist kein echtes PDF. Aus Sicherheitsgründen nehmen wir nur echte PDF-Dateien an.'
      )
      /* the title comes back in the form */
      assert.include(page.text, 'value="Vertrag"')
    }
    /* a PDF under another name is refused by its name */
    const renamed = await agent.follow(
      await upload(agent, customer.id, { title: 'X', kind: 'other' }, { name: 'x.exe', bytes: PDF })
    )
    assert.include(renamed.text, 'Nur PDF-Dateien (Endung .pdf) können hochgeladen werden.')
    /* no file at all */
    const none = await agent.follow(
      await upload(agent, customer.id, { title: 'X', kind: 'other' }, null)
    )
    assert.include(none.text, 'Bitte wählen Sie eine PDF-Datei aus.')

    assert.lengthOf(await documents(), 0)
    await settle()
    assert.lengthOf(smtpSink.to(OWNER), 0)
  })

  test('support reads the upload page and its refusals in English', async ({ assert }) => {
    const { customer } = await team()
    const { agent } = await staffAgent({ 'accept-language': 'en' })
    const page = await agent.get(`/admin/customers/${customer.id}/documents`)
    assert.include(page.text, 'Upload document')
    assert.include(page.text, 'Only real PDF files up to 20 MB.')
    const refused = await agent.follow(
      await upload(
        agent,
        customer.id,
        { title: 'Contract', kind: 'contract' },
        { name: 'c.pdf', bytes: HTML }
      )
    )
    assert.include(
      refused.text,
      'The file is not a real PDF. For security reasons we only accept real PDF files.'
    )
    assert.lengthOf(await documents(), 0)
  })

  test('a PDF above the size limit is refused', async ({ assert }) => {
    const { customer } = await team()
    const { agent } = await staffAgent()
    const large = Buffer.concat([PDF, Buffer.alloc(documentMaxBytes - PDF.length + 1, 0x20)])

    const page = await agent.follow(
      await upload(
        agent,
        customer.id,
        { title: 'Groß', kind: 'other' },
        { name: 'gross.pdf', bytes: large }
      )
    )
    assert.include(page.text, 'Die Datei ist zu groß. Bitte laden Sie ein kleineres PDF hoch.')
    assert.lengthOf(await documents(), 0)
  })

  test('the upload needs a staff login and a CSRF token', async ({ assert }) => {
    const { customer } = await team()
    const anonymous = new Agent()
    const refusedPage = await anonymous.get(`/admin/customers/${customer.id}/documents`)
    assert.equal(refusedPage.status, 302)
    assert.match(refusedPage.location ?? '', /\/admin\/login/)
    const anonymousPost = await upload(
      anonymous,
      customer.id,
      { title: 'X', kind: 'other' },
      { name: 'a.pdf', bytes: PDF },
      '/impressum'
    )
    assert.equal(anonymousPost.status, 302)
    assert.match(anonymousPost.location ?? '', /\/admin\/login/)
    assert.lengthOf(await documents(), 0)

    const { agent } = await staffAgent()
    const form = new FormData()
    form.append('title', 'Ohne Token')
    form.append('kind', 'other')
    form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'a.pdf')
    const cookie = [...agent.jar].map(([name, value]) => `${name}=${value}`).join('; ')
    const response = await fetch(`${agent.baseUrl}/admin/customers/${customer.id}/documents`, {
      method: 'POST',
      headers: { ...agent.defaultHeaders, cookie },
      body: form,
      redirect: 'manual',
    })
    assert.notEqual(response.status, 200)
    assert.lengthOf(await documents(), 0)
  })
})

test.group('Documents: node ace documents:add', (group) => {
  group.each.setup(async () => {
    /* a mail of the previous test may still be on its way */
    await settle()
    await resetState()
    smtpSink.clear()
  })

  test('adds a PDF, prints its id and SHA-256, and refuses anything that is not a PDF', async ({
    assert,
  }) => {
    const { customer } = await team()
    const pdf = await tempFile('Vertrag.pdf', PDF)
    const run = await ace([
      'documents:add',
      '--customer',
      'l5500001',
      '--title',
      'Rahmenvertrag',
      '--kind',
      'contract',
      pdf,
    ])
    assert.equal(run.code, 0, run.stdout + run.stderr)
    const [row] = await documents()
    assert.equal(row.customer_id, customer.id)
    assert.equal(row.title, 'Rahmenvertrag')
    assert.isNull(row.uploaded_by_staff_id)
    assert.include(run.stdout, `id: ${row.id}`)
    assert.include(run.stdout, `sha256: ${sha256(PDF)}`)
    assert.isTrue((await readFile(storedPath(row.file_path))).equals(PDF))
    const audit = await db.from('audit_events').where('action', 'document.added').first()
    assert.equal(audit.actor_type, 'system')
    await mailTo(OWNER, 'Neues Dokument im Kundenportal')

    const zip = await tempFile('Preise.pdf', ZIP)
    const refused = await ace([
      'documents:add',
      '--customer',
      'L5500001',
      '--title',
      'Z',
      '--kind',
      'price_list',
      zip,
    ])
    assert.equal(refused.code, 1)
    assert.include(refused.stdout + refused.stderr, 'not a PDF')

    const unknown = await ace(['documents:add', '--customer', 'L0000000', '--title', 'Z', pdf])
    assert.equal(unknown.code, 1)
    assert.include(unknown.stdout + unknown.stderr, 'unknown customer number L0000000')
    assert.lengthOf(await documents(), 1)
  })
})

test.group('Documents: the merchant page', (group) => {
  group.each.setup(async () => {
    /* a mail of the previous test may still be on its way */
    await settle()
    await resetState()
    smtpSink.clear()
  })

  test('owner and accountant see and download the document; each download is a read receipt', async ({
    assert,
  }) => {
    const { owner, accountant, customer, password } = await team()
    const { agent: staff } = await staffAgent()
    await upload(
      staff,
      customer.id,
      { title: 'Kündigungsmitteilung', kind: 'notice' },
      { name: 'k.pdf', bytes: PDF }
    )
    const [row] = await documents()

    const ownerAgent = await merchantAgent(OWNER, password)
    const dashboard = await ownerAgent.get('/')
    assert.include(dashboard.text, 'href="/documents"')
    const list = await ownerAgent.get('/documents')
    assert.equal(list.status, 200)
    assert.include(list.text, '<h1>Dokumente</h1>')
    assert.include(list.text, 'Kündigungsmitteilung')
    assert.include(list.text, 'Mitteilung')
    assert.match(list.text, /data-new>neu</)

    const { response, bytes } = await download(ownerAgent, row.id)
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'application/pdf')
    assert.equal(response.headers.get('content-disposition'), 'attachment; filename="k.pdf"')
    assert.isTrue(bytes.equals(PDF))
    const receipt = await db
      .from('audit_events')
      .where('action', 'document.read')
      .where('actor_id', owner.id)
      .first()
    assert.equal(receipt.actor_type, 'user')
    assert.equal(JSON.parse(receipt.meta).document_id, row.id)
    /* opened: no longer new for the owner */
    assert.notMatch((await ownerAgent.get('/documents')).text, /data-new>/)

    /* the accountant, in English: still new for them */
    const accountantAgent = await merchantAgent(ACCOUNTANT, password, { 'accept-language': 'en' })
    const english = await accountantAgent.get('/documents')
    assert.include(english.text, '<h1>Documents</h1>')
    assert.include(english.text, 'Notice')
    assert.include(english.text, 'Download PDF')
    assert.match(english.text, /data-new>new</)
    const second = await download(accountantAgent, row.id)
    assert.isTrue(second.bytes.equals(PDF))
    const receipts = await db.from('audit_events').where('action', 'document.read').orderBy('id')
    assert.deepEqual(
      receipts.map((r) => [r.actor_id, JSON.parse(r.meta).document_id]),
      [
        [owner.id, row.id],
        [accountant.id, row.id],
      ]
    )
  })

  test('a viewer and another customer get the 404', async ({ assert }) => {
    const { customer, password } = await team()
    const other = await createMerchant({
      email: 'fremd@dokumente.example',
      customers: [{ customerNumber: 'L5500002' }],
    })
    const { agent: staff } = await staffAgent()
    await upload(
      staff,
      customer.id,
      { title: 'Vertrag A', kind: 'contract' },
      { name: 'a.pdf', bytes: PDF }
    )
    await upload(
      staff,
      other.customers[0].id,
      { title: 'Vertrag B', kind: 'contract' },
      { name: 'b.pdf', bytes: PDF }
    )
    const [mine, theirs] = await documents()

    const viewer = await merchantAgent(VIEWER, password)
    assert.notInclude((await viewer.get('/')).text, 'href="/documents"')
    assert.equal((await viewer.get('/documents')).status, 404)
    assert.equal((await download(viewer, mine.id)).response.status, 404)

    const owner = await merchantAgent(OWNER, password)
    const list = await owner.get('/documents')
    assert.include(list.text, 'Vertrag A')
    assert.notInclude(list.text, 'Vertrag B')
    const foreign = await download(owner, theirs.id)
    assert.equal(foreign.response.status, 404)
    assert.isFalse(foreign.bytes.equals(PDF))
    assert.equal((await download(owner, 999999)).response.status, 404)
    assert.equal(await receiptCount(), 0)
  })

  test('a changed file is never sent: 500 and logged', async ({ assert }) => {
    const offset = await logOffset()
    const { customer, password } = await team()
    const { agent: staff } = await staffAgent()
    await upload(
      staff,
      customer.id,
      { title: 'Vertrag', kind: 'contract' },
      { name: 'v.pdf', bytes: PDF }
    )
    const [row] = await documents()
    const path = storedPath(row.file_path)
    await chmod(path, 0o640)
    await appendFile(path, 'changed')

    const owner = await merchantAgent(OWNER, password)
    const { response, bytes } = await download(owner, row.id)
    assert.equal(response.status, 500)
    assert.notInclude(bytes.toString('latin1'), '%PDF-')
    assert.include(
      bytes.toString('utf8'),
      'Dieses Dokument kann gerade nicht bereitgestellt werden'
    )
    assert.equal(await receiptCount(), 0)
    const log = await logTextFlushed(offset)
    assert.include(log, 'stored document failed its SHA-256 check; download refused')
    assert.include(log, `"document":${row.id}`)
  })

  test('a new document is mailed to owner and accountant in their language, not to the viewer', async ({
    assert,
  }) => {
    const { customer } = await team()
    const { agent } = await staffAgent()
    await upload(
      agent,
      customer.id,
      { title: 'Preisblatt 2027', kind: 'price_list' },
      { name: 'p.pdf', bytes: PDF }
    )

    const german = await mailTo(OWNER, 'Neues Dokument im Kundenportal: Dokument Bäckerei GmbH')
    assert.include(textOf(german), '„Preisblatt 2027“ (Preisblatt)')
    assert.equal(pathOf(linkIn(german, '/documents')), '/documents?customer=L5500001')
    const english = await mailTo(
      ACCOUNTANT,
      'New document in the customer portal: Dokument Bäckerei GmbH'
    )
    assert.include(textOf(english), '“Preisblatt 2027” (Price list)')
    assert.include(textOf(english), 'under “Documents” after signing in')

    await settle()
    assert.lengthOf(smtpSink.to(OWNER), 1)
    assert.lengthOf(smtpSink.to(ACCOUNTANT), 1)
    assert.lengthOf(smtpSink.to(VIEWER), 0)
  })
})
