import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { ScopeCustomer } from '#services/merchant/customer_scope'
import { FREQUENCIES, type Frequency } from '#services/reports/report_periods'

/** Purpose of the unsubscribe link's signature: a signature made for anything else does not fit. */
export const UNSUBSCRIBE_PURPOSE = 'report_unsubscribe'

/** One linked customer on the „Berichte per E-Mail“ page with the frequencies the user receives. */
export type CustomerSubscriptions = ScopeCustomer & { frequencies: Frequency[] }

/** The user's report subscriptions (one per customer and frequency). */
export const SubscriptionService = {
  /** Each linked customer with the frequencies subscribed, in the order of the links. */
  async forUser(userId: number, linked: ScopeCustomer[]): Promise<CustomerSubscriptions[]> {
    const rows = await db
      .from('report_subscriptions')
      .where('user_id', userId)
      .select('customer_id', 'frequency')
    return linked.map((customer) => ({
      ...customer,
      frequencies: FREQUENCIES.filter((frequency) =>
        rows.some(
          (row: any) => Number(row.customer_id) === customer.id && row.frequency === frequency
        )
      ),
    }))
  },

  /** Makes the user's subscriptions for the customer exactly `wanted`; returns what changed. */
  async save(userId: number, customerId: number, wanted: Frequency[]) {
    return db.transaction(async (trx) => {
      const rows = await trx
        .from('report_subscriptions')
        .where('user_id', userId)
        .where('customer_id', customerId)
        .forUpdate()
        .select('id', 'frequency')
      const have = rows.map((row: any) => row.frequency as Frequency)
      const added = wanted.filter((frequency) => !have.includes(frequency))
      const removed = have.filter((frequency) => !wanted.includes(frequency))
      if (removed.length) {
        await trx
          .from('report_subscriptions')
          .where('user_id', userId)
          .where('customer_id', customerId)
          .whereIn('frequency', removed)
          .delete()
      }
      const now = DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss')
      for (const frequency of added) {
        await trx.table('report_subscriptions').insert({
          user_id: userId,
          customer_id: customerId,
          frequency,
          created_at: now,
        })
      }
      return { added, removed }
    })
  },

  /** One subscription as the signed link's confirm page names it; null when it is gone. */
  async find(id: number) {
    const row = await db
      .from('report_subscriptions')
      .join('customers', 'customers.id', 'report_subscriptions.customer_id')
      .where('report_subscriptions.id', id)
      .select(
        'report_subscriptions.user_id',
        'report_subscriptions.frequency',
        'customers.customer_number'
      )
      .first()
    if (!row) return null
    return {
      userId: Number(row.user_id),
      frequency: row.frequency as Frequency,
      customerNumber: String(row.customer_number),
    }
  },

  /** Removes one subscription (the signed link); null when it is gone already. */
  async remove(id: number) {
    const found = await this.find(id)
    if (!found) return null
    const deleted = await db.from('report_subscriptions').where('id', id).delete()
    /* a second click at the same moment: only the one that deleted the row reports it */
    return Number(Array.isArray(deleted) ? deleted[0] : deleted) > 0 ? found : null
  },
}
