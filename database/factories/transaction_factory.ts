import { DateTime } from 'luxon'
import factory from '@adonisjs/lucid/factories'
import Transaction from '#models/transaction'

let counter = 0

/**
 * An approved girocard sale of a few euros, a minute older than the one
 * before. Needs its terminal and customer: merge `terminalId` and `customerId`.
 */
export const TransactionFactory = factory
  .define(Transaction, () => {
    const n = ++counter
    const last4 = String(1000 + (n % 9000))
    return {
      reference: `TX-${process.pid}-${n}-${Math.random().toString(36).slice(2, 8)}`,
      occurredAt: DateTime.utc().minus({ minutes: n }),
      type: 'sale' as const,
      status: 'approved' as const,
      amountMinor: 1000 + n,
      currency: 'EUR',
      cardBrand: 'girocard' as const,
      panMasked: `672000******${last4}`,
      panLast4: last4,
      authCode: `A${n}`,
      receiptNumber: `R${10000 + n}`,
      createdAt: DateTime.utc(),
    }
  })
  .build()
