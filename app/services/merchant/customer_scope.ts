import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { rowsOf } from '#services/database/rows'
import { plainQuery } from '#services/merchant/plain_query'
import type { CustomerRole } from '#models/customer_user'
import { roleAllows, type CustomerAbility } from '#policies/customer_policy'

export const SCOPE_SESSION_KEY = 'merchant.customer'
export const ALL = 'all'

/** A customer the user has access to, with the user's role for it (PRODUCT „Access model“). */
export type ScopeCustomer = {
  id: number
  customerNumber: string
  companyName: string
  role: CustomerRole
}

/**
 * A linked customer the user does not see because its owner requires two-factor
 * sign-in and the user has none yet: named in a notice on every merchant page.
 */
export type WithheldCustomer = { id: number; customerNumber: string; companyName: string }

/** What the header names: the one customer in view, or "all customers" with their count. */
export type InView =
  { kind: 'one'; customerNumber: string; companyName: string } | { kind: 'all'; count: number }

/** Above this many linked customers the switch is a type-ahead search instead of a select. */
export const TYPE_AHEAD_FROM = 11

/**
 * The one 404 every out-of-scope id, customer number or TID gets: the same
 * status and page as a record that does not exist, so nothing can be probed.
 */
export class OutOfScope extends Exception {
  static status = 404
  static code = 'E_NOT_FOUND'
  static message = 'Not found'
}

/**
 * Which customers a merchant request may see: the user's linked customers
 * (customer_user — a pending access request is no link), narrowed by the current
 * choice — one customer number or "all" — from `?customer=` (this request) or the
 * session (the header switch). Each customer carries the user's role; what a role
 * may do is `CustomerPolicy` (app/policies), applied with `authorize`. A customer
 * whose owner requires two-factor sign-in is no link for a user without TOTP: it is
 * `withheld` (named in the notice), like a pending request, until they enrol.
 */
export class CustomerScope {
  constructor(
    readonly linked: ScopeCustomer[],
    readonly choice: string,
    readonly withheld: WithheldCustomer[] = []
  ) {}

  /** The customers the current page shows (never empty for a linked user). */
  get chosen(): ScopeCustomer[] {
    if (this.choice === ALL) return this.linked
    return this.linked.filter((c) => c.customerNumber === this.choice)
  }

  /** The customer ids every merchant query is limited to. */
  get ids(): number[] {
    return this.chosen.map((c) => c.id)
  }

  get hasSeveral() {
    return this.linked.length > 1
  }

  /** The switch searches (datalist) instead of listing (select) when there are many customers. */
  get typeAhead() {
    return this.linked.length >= TYPE_AHEAD_FROM
  }

  /** The company and customer number in view, for the header of every merchant page. */
  get inView(): InView {
    const chosen = this.chosen
    if (chosen.length !== 1) return { kind: 'all', count: chosen.length }
    return {
      kind: 'one',
      customerNumber: chosen[0].customerNumber,
      companyName: chosen[0].companyName,
    }
  }

  /** Query-string value that pins a URL to the current choice. */
  get param() {
    return this.choice
  }

  /** The chosen customers' ids whose role allows the ability (no bouncer: for services). */
  idsAllowing(ability: CustomerAbility): number[] {
    return this.chosen.filter((c) => roleAllows(c.role, ability)).map((c) => c.id)
  }

  /** True when the user owns at least one linked customer (the „Benutzer“ page). */
  get managesUsers() {
    return this.linked.some((c) => roleAllows(c.role, 'manageUsers'))
  }

  /** True when the role for at least one chosen customer allows the ability (views: links). */
  allows(ability: CustomerAbility) {
    return this.idsAllowing(ability).length > 0
  }

  /**
   * The scope narrowed by `CustomerPolicy` to the customers whose role allows the
   * ability. A choice of one customer the role does not allow, or "all" with none
   * allowed, throws the shared 404: a page a role may not see answers like a
   * missing one. A user without any link (e.g. a request still pending) sees the
   * empty page everyone without data sees.
   */
  async authorize(bouncer: HttpContext['bouncer'], ability: CustomerAbility) {
    const policy = bouncer.with('CustomerPolicy')
    const allowed: ScopeCustomer[] = []
    for (const customer of this.linked) {
      if (await policy.allows(ability, customer)) allowed.push(customer)
    }
    const narrowed = new CustomerScope(allowed, this.choice, this.withheld)
    if (this.linked.length > 0 && narrowed.chosen.length === 0) throw new OutOfScope()
    return narrowed
  }

  /** Throws the shared 404 unless the customer id is in the current choice. */
  assertCustomer(customerId: number | null | undefined) {
    if (!customerId || !this.ids.includes(Number(customerId))) throw new OutOfScope()
  }

  /**
   * The user's linked customers, oldest link first, split into those the user sees
   * and those withheld because they require two-factor sign-in the user has not set up.
   */
  static async access(
    userId: number
  ): Promise<{ linked: ScopeCustomer[]; withheld: WithheldCustomer[] }> {
    /* as text: every merchant page asks (docs/performance.md) */
    const rows = rowsOf(
      await db.rawQuery(
        'SELECT customers.id, customers.customer_number, customers.company_name, ' +
          'customers.require_two_factor, customer_user.role, users.totp_enabled_at ' +
          'FROM customer_user ' +
          'INNER JOIN customers ON customers.id = customer_user.customer_id ' +
          'INNER JOIN users ON users.id = customer_user.user_id ' +
          'WHERE customer_user.user_id = ? ORDER BY customer_user.id ASC',
        [userId]
      )
    )
    const linked: ScopeCustomer[] = []
    const withheld: WithheldCustomer[] = []
    for (const row of rows) {
      const customer = {
        id: Number(row.id),
        customerNumber: row.customer_number as string,
        companyName: row.company_name as string,
      }
      if (Boolean(row.require_two_factor) && !row.totp_enabled_at) withheld.push(customer)
      else linked.push({ ...customer, role: row.role as CustomerRole })
    }
    return { linked, withheld }
  }

  /** The customers the user sees, oldest link first (without the withheld ones). */
  static async linkedCustomers(userId: number): Promise<ScopeCustomer[]> {
    return (await CustomerScope.access(userId)).linked
  }

  /**
   * Resolves the scope of a request. A `?customer=` naming a customer that is not
   * linked gives the shared 404; a stale session choice falls back to "all".
   */
  static async resolve(ctx: HttpContext): Promise<CustomerScope> {
    const user = ctx.auth.use('web').user!
    const { linked, withheld } = await CustomerScope.access(user.id)
    const fromQuery = plainQuery(ctx.request).customer
    if (fromQuery !== undefined && fromQuery !== '') {
      const wanted = normalizeChoice(fromQuery)
      if (!CustomerScope.isValidChoice(linked, wanted)) throw new OutOfScope()
      return new CustomerScope(linked, wanted, withheld)
    }
    const stored = normalizeChoice(ctx.session.get(SCOPE_SESSION_KEY, ALL))
    const choice = CustomerScope.isValidChoice(linked, stored) ? stored : ALL
    if (linked.length === 1) return new CustomerScope(linked, linked[0].customerNumber, withheld)
    return new CustomerScope(linked, choice, withheld)
  }

  static isValidChoice(linked: ScopeCustomer[], choice: string) {
    return choice === ALL || linked.some((c) => c.customerNumber === choice)
  }

  /**
   * What a typed search in the switch means: a linked customer number, "all"
   * (or one of `allWords`, e.g. „Alle Kunden“), a company name, or the
   * "number – company" text of an option. Null when nothing linked matches.
   */
  static matchTyped(linked: ScopeCustomer[], typed: string, allWords: string[] = []) {
    const text = typed.trim().toLowerCase().replace(/\s+/g, ' ')
    if (!text) return null
    if (allWords.some((word) => word.trim().toLowerCase() === text)) return ALL
    const choice = normalizeChoice(typed)
    if (CustomerScope.isValidChoice(linked, choice)) return choice
    const number = text.split(/\s+[–-]\s+/)[0]
    const found =
      linked.find((c) => c.companyName.trim().toLowerCase() === text) ??
      linked.find((c) => c.customerNumber.toLowerCase() === number.replace(/\s+/g, ''))
    return found ? found.customerNumber : null
  }
}

/** Customer numbers are compared in their stored form: trimmed, upper case, no spaces. */
export function normalizeChoice(value: unknown) {
  if (typeof value !== 'string') return ''
  const trimmed = value.trim()
  if (trimmed.toLowerCase() === ALL) return ALL
  return trimmed.toUpperCase().replace(/\s+/g, '')
}

declare module '@adonisjs/core/http' {
  interface HttpContext {
    customerScope: CustomerScope
  }
}
