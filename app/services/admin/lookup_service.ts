import Customer from '#models/customer'
import Terminal from '#models/terminal'
import Closing from '#models/closing'
import Payout from '#models/payout'
import { openAmounts } from '#services/money/money_overview'
import { readerOptions } from '#services/database/reader'
import { Like } from '#services/database/like'

const PER_PAGE = 25
/** how many of a customer's latest closings and payouts the support view shows */
const MONEY_ROWS = 20

/**
 * Read-only look-ups of master data for support, with the users linked to each
 * customer. The searches may read a replica; the detail pages read the primary.
 */
export const LookupService = {
  /** Customers by number, company name, city or e-mail. */
  async customers(q = '', page = 1) {
    const query = Customer.query(readerOptions()).orderBy('customer_number', 'asc')
    const term = q.trim().slice(0, 100)
    if (term) {
      const like = Like.containing(term)
      query.where((where) => {
        where.where('customer_number', term.toUpperCase().replace(/\s+/g, ''))
        for (const column of ['company_name', 'city', 'email']) Like.orWhere(where, column, like)
      })
    }
    return query.paginate(Math.max(1, page), PER_PAGE)
  },

  /** A customer with its terminals and users; a missing one is a thrown not-found. */
  async customer(id: number) {
    return Customer.query()
      .where('id', id)
      .preload('terminals', (terminals) => terminals.orderBy('terminal_id', 'asc'))
      .preload('users', (users) => users.orderBy('email', 'asc'))
      .firstOrFail()
  },

  /**
   * Where a customer's money is, for support on the phone (read-only): the latest
   * closings and payouts, and what each terminal holds since its last closing.
   */
  async customerMoney(customerId: number) {
    const [closings, payouts, open] = await Promise.all([
      Closing.query()
        .where('customer_id', customerId)
        .preload('terminal')
        .orderBy('closed_at', 'desc')
        .orderBy('id', 'desc')
        .limit(MONEY_ROWS),
      Payout.query()
        .where('customer_id', customerId)
        .orderBy('value_date', 'desc')
        .orderBy('id', 'desc')
        .limit(MONEY_ROWS),
      openAmounts([customerId]),
    ])
    return { closings, payouts, open }
  },

  /** Terminals by TID, serial number or city. */
  async terminals(q = '', page = 1) {
    const query = Terminal.query(readerOptions()).preload('customer').orderBy('terminal_id', 'asc')
    const term = q.trim().slice(0, 100)
    if (term) {
      query.where((where) => {
        where.where('terminal_id', term.replace(/\s+/g, '')).orWhere('serial_number', term)
        Like.orWhere(where, 'city', Like.containing(term))
      })
    }
    return query.paginate(Math.max(1, page), PER_PAGE)
  },

  /** A terminal with its customer's users; a missing one is a thrown not-found. */
  async terminal(id: number) {
    const terminal = await Terminal.query().where('id', id).preload('customer').firstOrFail()
    await terminal.customer.load('users', (users) => users.orderBy('email', 'asc'))
    return terminal
  },
}
