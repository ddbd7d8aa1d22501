import { DateTime } from 'luxon'
import User, { type UserState } from '#models/user'
import Customer from '#models/customer'
import Terminal from '#models/terminal'
import type { Agent, AgentResponse } from '#tests/helpers/agent'

/** A strong default password (passes the password policy). */
export const DEFAULT_PASSWORD = 'Korrekt-Pferd-Batterie-Heftklammer-42'

let sequence = 0
const next = () => ++sequence + (process.pid % 1000) * 10_000

export type TerminalInput = Partial<
  Pick<
    Terminal,
    'terminalId' | 'model' | 'serialNumber' | 'street' | 'postalCode' | 'city' | 'status'
  > & { monthlyFeeMinor: number }
>

export type CustomerInput = Partial<
  Pick<Customer, 'customerNumber' | 'companyName' | 'street' | 'postalCode' | 'city' | 'email'>
> & {
  /** terminals of this customer: a count, or attributes per terminal (default: 1) */
  terminals?: number | TerminalInput[]
}

/** Creates a customer (not linked to any user) with its terminals. */
export async function createCustomer(input: CustomerInput = {}) {
  const n = next()
  const customer = await Customer.create({
    customerNumber: input.customerNumber ?? `L${String(1_000_000 + n).slice(-7)}`,
    companyName: input.companyName ?? `Testhandel ${n} GmbH`,
    street: input.street ?? 'Hauptstraße 1',
    postalCode: input.postalCode ?? '60311',
    city: input.city ?? 'Frankfurt am Main',
    country: 'DE',
    email: input.email ?? null,
  })
  const specs: TerminalInput[] =
    typeof input.terminals === 'number'
      ? Array.from({ length: input.terminals }, () => ({}))
      : (input.terminals ?? [{}])
  const terminals: Terminal[] = []
  for (const spec of specs) {
    const t = next()
    terminals.push(
      await Terminal.create({
        terminalId: spec.terminalId ?? String(50_000_000 + t).slice(-8),
        customerId: customer.id,
        model: spec.model ?? 'Move/5000',
        serialNumber: spec.serialNumber ?? `SN${t}`,
        street: spec.street ?? customer.street,
        postalCode: spec.postalCode ?? customer.postalCode,
        city: spec.city ?? customer.city,
        status: spec.status ?? 'active',
        monthlyFeeMinor: spec.monthlyFeeMinor ?? 1990,
      })
    )
  }
  return { customer, terminals }
}

/**
 * Creates a merchant user (password hashed with argon2id by the model) linked
 * to its customers (default: one customer with one terminal).
 */
export async function createMerchant(
  options: {
    email?: string
    password?: string
    state?: UserState
    locale?: string
    fullName?: string
    customers?: CustomerInput[]
  } = {}
) {
  const password = options.password ?? DEFAULT_PASSWORD
  const state = options.state ?? 'active'
  const user = await User.create({
    email: User.normalizeEmail(options.email ?? `haendler${next()}@example.com`),
    password,
    fullName: options.fullName ?? 'Erika Mustermann',
    locale: options.locale ?? 'de',
    state,
    emailVerifiedAt: state === 'pending_verification' ? null : DateTime.now(),
  })
  const customers: Customer[] = []
  const terminals: Terminal[] = []
  for (const input of options.customers ?? [{}]) {
    const created = await createCustomer(input)
    await user.related('customers').attach({
      [created.customer.id]: { role: 'owner', proven_by: 'registration' },
    })
    customers.push(created.customer)
    terminals.push(...created.terminals)
  }
  return { user, password, customers, terminals }
}

/**
 * Logs the agent in through the real form (CSRF token from /login). Throws
 * unless the portal answers with the redirect of a successful login.
 */
export async function loginAs(
  agent: Agent,
  email: string,
  password: string,
  redirect?: string
): Promise<AgentResponse> {
  const page = await agent.get('/login')
  const csrfFrom = page.status === 200 ? '/login' : '/impressum'
  const response = await agent.post('/login', { email, password, redirect }, { csrfFrom })
  if (response.status !== 302 || response.location?.startsWith('/login')) {
    throw new Error(`login as ${email} failed: ${response.status} → ${response.location}`)
  }
  return response
}

/** Waits for the mail to `address` whose subject contains `subject`. */
export async function mailTo(address: string, subject: string, timeoutMs = 10_000) {
  const { smtpSink, recipients } = await sinkModule()
  return smtpSink.waitFor(
    (mail) =>
      recipients(mail).includes(address.toLowerCase()) &&
      (mail.parsed.subject ?? '').includes(subject),
    timeoutMs
  )
}

/** The first link in a mail's text part that starts with `prefix` (e.g. `http://…/verify-email/`). */
export function linkIn(mail: { parsed: { text?: string } }, pathPart: string) {
  const match = (mail.parsed.text ?? '').match(
    new RegExp(`https?://[^\\s]*${pathPart.replace(/[/.*+?^${}()|[\]\\]/g, '\\$&')}[^\\s]*`)
  )
  if (!match) throw new Error(`no link with ${pathPart} in mail`)
  return match[0]
}

/** The path (and query) of an absolute link, to follow it on the test server. */
export const pathOf = (link: string) => {
  const url = new URL(link)
  return url.pathname + url.search
}

async function sinkModule() {
  const services = await import('#tests/helpers/services')
  const sink = await import('#demo/smtp_sink')
  return { smtpSink: services.smtpSink, recipients: sink.recipients }
}
