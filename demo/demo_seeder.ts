import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Customer from '#models/customer'
import Terminal from '#models/terminal'
import User from '#models/user'
import StaffUser from '#models/staff_user'
import { TransactionTotals } from '#services/merchant/transaction_totals'
import { Prng } from '#demo/prng'
import { DEMO_CUSTOMERS } from '#demo/demo_master_data'
import { demoTransactions, type TransactionRow } from '#demo/demo_transactions'
import { DEMO_MERCHANT_EMAIL, DEMO_SUPPORT_EMAIL } from '#demo/demo_logins'
import {
  DemoIds,
  planClosings,
  planPayouts,
  type ClosingRow,
  type ClosingTotalRow,
  type PayoutRows,
} from '#demo/demo_closings'

export type DemoSeedOptions = {
  merchantPassword: string
  supportPassword: string
  /** the last day of the 90 days of transactions (default: now) */
  now?: DateTime
  seed?: number
  days?: number
  batchSize?: number
}

export type DemoSeedResult =
  | { seeded: false; reason: 'not_empty' }
  | {
      seeded: true
      customers: number
      terminals: number
      transactions: number
      closings: number
      payouts: number
    }

/** The customers the demo merchant is linked to; L1000003 is left for trying registration. */
export const MERCHANT_CUSTOMERS = ['L1000001', 'L1000002']

/** The customer whose girocard payout of about 10 days ago arrives 12.50 € short. */
const SHORT_PAYOUT = { customerNumber: 'L1000002', daysAgo: 10 }

/**
 * Loads the demo data set into an empty database: three customers, eight
 * terminals, 90 days of card payments, a merchant login and a support login.
 * Does nothing when the database already holds data, so restarting the demo
 * keeps what was there.
 */
export class DemoSeeder {
  /** True when no customer, user or staff account exists yet. */
  async isEmpty() {
    for (const table of ['customers', 'users', 'staff_users', 'transactions']) {
      const row = await db.from(table).count('* as total').first()
      if (Number(row?.total ?? 0) > 0) return false
    }
    return true
  }

  /** Seeds everything in one database transaction when the database is empty. */
  async run(options: DemoSeedOptions): Promise<DemoSeedResult> {
    if (!(await this.isEmpty())) return { seeded: false, reason: 'not_empty' }
    const seed = options.seed ?? 20261127
    const now = options.now ?? DateTime.now()
    const tids = terminalIds(
      seed,
      DEMO_CUSTOMERS.reduce((n, c) => n + c.terminals.length, 0)
    )

    const days = options.days ?? 90
    return db.transaction(async (trx) => {
      let transactions = 0
      let terminals = 0
      const customers: Customer[] = []
      const ids = new DemoIds()
      const closings: ClosingRow[] = []
      const totals: ClosingTotalRow[] = []
      const payouts: PayoutRows = { payouts: [], links: [], fees: [] }

      for (const data of DEMO_CUSTOMERS) {
        const { profile, terminals: terminalData, ...columns } = data
        const customer = await Customer.create(columns, { client: trx })
        customers.push(customer)
        const customerClosings: ClosingRow[] = []
        const customerTotals: ClosingTotalRow[] = []
        for (const terminalSpec of terminalData) {
          const tid = tids[terminals++]
          const terminal = await Terminal.create(
            {
              terminalId: tid,
              customerId: customer.id,
              model: terminalSpec.model,
              serialNumber: serialNumber(terminalSpec.model, tid),
              street: terminalSpec.street,
              postalCode: terminalSpec.postalCode,
              city: terminalSpec.city,
              status: terminalSpec.status,
              installedAt: now.startOf('day').minus({ days: terminalSpec.installedDaysAgo }),
              monthlyFeeMinor: terminalSpec.monthlyFeeMinor,
            },
            { client: trx }
          )
          const target = {
            tid,
            terminal: terminalSpec,
            profile,
            customerPerDay: profile.perDay * terminalData.length,
            customerId: customer.id,
            terminalId: terminal.id,
          }
          const rows = [...demoTransactions(target, { seed, now, days })]
          /* the Kassenschnitte set each payment's closing_id before it is written */
          const plan = planClosings(
            rows,
            { ...target, rhythm: data.settlementRhythm },
            { now, days, ids }
          )
          customerClosings.push(...plan.closings)
          customerTotals.push(...plan.totals)
          transactions += await insertInBatches(trx, rows, options.batchSize ?? 500)
        }
        const credits = planPayouts(
          customerClosings,
          customerTotals,
          {
            id: customer.id,
            customerNumber: customer.customerNumber,
            iban: data.iban,
            rhythm: data.settlementRhythm,
          },
          {
            now,
            ids,
            shortDaysAgo:
              data.customerNumber === SHORT_PAYOUT.customerNumber
                ? SHORT_PAYOUT.daysAgo
                : undefined,
          }
        )
        closings.push(...customerClosings)
        totals.push(...customerTotals)
        payouts.payouts.push(...credits.payouts)
        payouts.links.push(...credits.links)
        payouts.fees.push(...credits.fees)
      }

      /* the list's totals: the rows went in as multi-row INSERTs, past the model's hook */
      await TransactionTotals.rebuild(
        trx,
        customers.map((customer) => customer.id)
      )
      await insertInBatches(trx, closings, 500, 'closings')
      await insertInBatches(trx, totals, 500, 'closing_totals')
      await insertInBatches(trx, payouts.payouts, 500, 'payouts')
      await insertInBatches(trx, payouts.links, 500, 'payout_closings')
      await insertInBatches(trx, payouts.fees, 500, 'payout_fees')
      const lastClosed = new Map<number, string>()
      for (const closing of closings) lastClosed.set(closing.terminal_id, closing.closed_at)
      for (const [terminalId, closedAt] of lastClosed) {
        await trx.from('terminals').where('id', terminalId).update({ last_closed_at: closedAt })
      }

      await this.createLogins(trx, options, customers)
      return {
        seeded: true as const,
        customers: customers.length,
        terminals,
        transactions,
        closings: closings.length,
        payouts: payouts.payouts.length,
      }
    })
  }

  private async createLogins(
    trx: TransactionClientContract,
    options: DemoSeedOptions,
    customers: Customer[]
  ) {
    const now = DateTime.now()
    const merchant = await User.create(
      {
        email: DEMO_MERCHANT_EMAIL,
        password: options.merchantPassword,
        fullName: 'Sabine Sonnenschein',
        phone: '069 4089 1121',
        locale: 'de',
        state: 'active',
        emailVerifiedAt: now,
        passwordChangedAt: now,
      },
      { client: trx }
    )
    const linked = customers.filter((customer) =>
      MERCHANT_CUSTOMERS.includes(customer.customerNumber)
    )
    await merchant
      .useTransaction(trx)
      .related('customers')
      .attach(
        Object.fromEntries(
          linked.map((customer) => [customer.id, { role: 'owner', proven_by: 'support' }])
        )
      )
    await StaffUser.create(
      {
        email: DEMO_SUPPORT_EMAIL,
        fullName: 'Demo Support',
        role: 'admin',
        password: options.supportPassword,
        state: 'active',
        failedLoginCount: 0,
      },
      { client: trx }
    )
  }
}

/** Multi-row inserts: one statement per batch instead of one per row. */
async function insertInBatches<Row extends object = TransactionRow>(
  trx: TransactionClientContract,
  rows: Iterable<Row>,
  batchSize: number,
  table = 'transactions'
) {
  let batch: Row[] = []
  let total = 0
  for (const row of rows) {
    batch.push(row)
    if (batch.length >= batchSize) {
      await trx.insertQuery().table(table).multiInsert(batch)
      total += batch.length
      batch = []
    }
  }
  if (batch.length) {
    await trx.insertQuery().table(table).multiInsert(batch)
    total += batch.length
  }
  return total
}

function terminalIds(seed: number, count: number) {
  const random = new Prng(seed)
  const ids = new Set<string>()
  while (ids.size < count) ids.add(`${random.int(1, 9)}${random.digits(7)}`)
  return [...ids]
}

function serialNumber(model: string, tid: string) {
  const prefix = model.startsWith('Verifone') ? 'VF' : 'IN'
  return `${prefix}${tid.slice(2)}${tid.slice(0, 2)}`
}
