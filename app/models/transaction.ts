import { DateTime } from 'luxon'
import { BaseModel, afterCreate, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Terminal from '#models/terminal'
import Customer from '#models/customer'

export const TRANSACTION_TYPES = ['sale', 'refund', 'reversal', 'preauth'] as const
export const TRANSACTION_STATUSES = ['approved', 'declined'] as const
export const CARD_BRANDS = [
  'girocard',
  'visa',
  'mastercard',
  'maestro',
  'vpay',
  'amex',
  'other',
] as const
export type CardBrand = (typeof CARD_BRANDS)[number]

/** A card transaction. Only the masked PAN (first 6 + last 4 at most) is ever stored. */
export default class Transaction extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare reference: string

  @column()
  declare customerId: number

  @column()
  declare terminalId: number

  @column.dateTime()
  declare occurredAt: DateTime

  @column()
  declare type: (typeof TRANSACTION_TYPES)[number]

  @column()
  declare status: (typeof TRANSACTION_STATUSES)[number]

  @column()
  declare amountMinor: number

  @column()
  declare currency: string

  @column()
  declare cardBrand: CardBrand

  @column()
  declare panMasked: string | null

  /* the naming strategy would split the digit (`pan_last_4`) */
  @column({ columnName: 'pan_last4' })
  declare panLast4: string | null

  @column()
  declare authCode: string | null

  @column()
  declare receiptNumber: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  /** The Kassenschnitt that submitted it; null while the terminal has not closed since. */
  @column()
  declare closingId: number | null

  @belongsTo(() => Terminal)
  declare terminal: BelongsTo<typeof Terminal>

  /**
   * A row created through the model (factories, seeders) is added to transaction_totals
   * in the same client (its transaction when it has one), as the ingest does for its raw
   * INSERT. Loaded when called: the service imports this model, and a model imports no
   * service at load time (ADR 1201). `saveQuietly`/`createManyQuietly` skip this hook.
   */
  @afterCreate()
  static async addToTotals(transaction: Transaction) {
    const { TransactionTotals } = await import('#services/merchant/transaction_totals')
    const occurredAt = transaction.occurredAt
    await TransactionTotals.add(Transaction.$adapter.modelClient(transaction), [
      {
        customer_id: transaction.customerId,
        terminal_id: transaction.terminalId,
        /* the text Lucid stored (the DateTime's own clock, whole seconds), read as UTC */
        occurred_at: DateTime.isDateTime(occurredAt)
          ? occurredAt.toFormat('yyyy-MM-dd HH:mm:ss')
          : occurredAt,
        type: transaction.type,
        status: transaction.status,
        amount_minor: transaction.amountMinor,
        card_brand: transaction.cardBrand,
      },
    ])
  }

  @belongsTo(() => Customer)
  declare customer: BelongsTo<typeof Customer>
}
