import { DateTime } from 'luxon'
import yauzl from 'yauzl'
import Ticket from '#models/ticket'
import TicketMessage from '#models/ticket_message'
import type User from '#models/user'
import type Customer from '#models/customer'
import type { CustomerRole } from '#models/customer_user'
import { createMerchant } from '#tests/helpers/auth'
import type { Agent } from '#tests/helpers/agent'

let sequence = 0

/** A portal ticket of `user` with a public message and, optionally, an agent's internal note. */
export async function ticketOf(
  user: User,
  customer: Customer | null,
  body: string,
  internalNote?: string
) {
  const id = ++sequence
  const at = DateTime.now()
  const ticket = await Ticket.create({
    reference: `T-2026-8${String(id).padStart(5, '0')}`,
    userId: user.id,
    customerId: customer?.id ?? null,
    customerNumber: customer?.customerNumber ?? null,
    name: user.fullName ?? 'Ohne Name',
    email: user.email,
    category: 'invoice',
    status: 'open',
    locale: 'de',
    source: 'portal',
    lastMessageAt: at,
    lastRequesterMessageAt: at,
  })
  await TicketMessage.create({
    ticketId: ticket.id,
    authorType: 'requester',
    body,
    internal: false,
    channel: 'portal',
    userId: user.id,
  })
  if (internalNote) {
    await TicketMessage.create({
      ticketId: ticket.id,
      authorType: 'staff',
      body: internalNote,
      internal: true,
      channel: 'staff',
      userId: null,
    })
  }
  return ticket
}

/** A co-user of the customer with a role (linked by support). */
export async function member(
  customer: Customer,
  email: string,
  role: CustomerRole,
  fullName: string
) {
  const { user, password } = await createMerchant({ email, fullName, customers: [] })
  await user.related('customers').attach({ [customer.id]: { role, proven_by: 'support' } })
  return { user, password }
}

/** GET with the agent's cookies, as bytes (a ZIP is no text). */
export async function getBytes(agent: Agent, path: string) {
  const cookie = [...agent.jar].map(([name, value]) => `${name}=${value}`).join('; ')
  const response = await fetch(agent.baseUrl + path, { headers: { cookie }, redirect: 'manual' })
  return {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  }
}

/** Every entry of a ZIP as text, read with yauzl (checks the archive's structure and CRCs). */
export function readZip(buffer: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error)
      const files = new Map<string, string>()
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError)
          const chunks: Buffer[] = []
          stream.on('data', (chunk: Buffer) => chunks.push(chunk))
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks).toString('utf8'))
            zip.readEntry()
          })
          stream.on('error', reject)
        })
      })
      zip.on('end', () => resolve(files))
      zip.on('error', reject)
      zip.readEntry()
    })
  })
}
