import User, { type UserState } from '#models/user'
import type Customer from '#models/customer'
import type Terminal from '#models/terminal'
import { CustomerFactory } from '#database/factories/customer_factory'
import { UserFactory, USER_PASSWORD } from '#database/factories/user_factory'
import type { Agent, AgentResponse } from '#tests/helpers/agent'
import { given } from '#tests/helpers/factory_input'

/** A strong default password (passes the password policy). */
export const DEFAULT_PASSWORD = USER_PASSWORD

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
  const { terminals: terminalsInput, ...attributes } = input
  const specs: TerminalInput[] =
    typeof terminalsInput === 'number'
      ? Array.from({ length: terminalsInput }, () => ({}))
      : (terminalsInput ?? [{}])
  let builder = CustomerFactory.merge(given(attributes))
  /* `with` creates at least one: ask for terminals only when there are some */
  if (specs.length > 0) {
    builder = builder.with('terminals', specs.length, (terminal) => {
      /* a terminal stands at its customer's address unless told otherwise */
      const { street, postalCode, city } = terminal.parent
      terminal.merge(specs.map((spec) => ({ street, postalCode, city, ...given(spec) })))
    })
  }
  const customer = await builder.create()
  const terminals: Terminal[] = specs.length > 0 ? [...customer.terminals] : []
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
  const user = await UserFactory.merge({
    ...given({
      email: options.email === undefined ? undefined : User.normalizeEmail(options.email),
      fullName: options.fullName,
      locale: options.locale,
    }),
    password,
    state,
    ...(state === 'pending_verification' ? { emailVerifiedAt: null } : {}),
  }).create()
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

/**
 * Follows a mailed confirmation link as a person does: the link only shows a page with a
 * button (mail scanners open links), the button's POST confirms.
 */
export async function confirmLink(agent: Agent, path: string) {
  return agent.post(path, {}, { csrfFrom: path })
}
