import { DateTime } from 'luxon'
import { BaseModel, column, hasMany, manyToMany } from '@adonisjs/lucid/orm'
import type { HasMany, ManyToMany } from '@adonisjs/lucid/types/relations'
import Terminal from '#models/terminal'
import User from '#models/user'

export default class Customer extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare customerNumber: string

  @column()
  declare companyName: string

  @column()
  declare street: string

  @column()
  declare postalCode: string

  @column()
  declare city: string

  @column()
  declare country: string

  @column()
  declare email: string | null

  @column()
  declare phone: string | null

  @column()
  declare vatId: string | null

  @column({ serializeAs: null })
  declare iban: string | null

  /** Name of the bank account's holder (set by an approved bank-account change). */
  @column()
  declare accountHolder: string | null

  /** Set by an owner: linked users without two-factor sign-in see nothing of this customer. */
  @column({ consume: (value) => Boolean(value) })
  declare requireTwoFactor: boolean

  /** The acquirer's rhythm for card-scheme payouts (master data, import column). */
  @column()
  declare settlementRhythm: 'daily' | 'weekly'

  /** The language of the customer's invoice PDFs and mails (master data, import column). */
  @column()
  declare language: 'de' | 'en'

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @hasMany(() => Terminal)
  declare terminals: HasMany<typeof Terminal>

  @manyToMany(() => User, { pivotTable: 'customer_user', pivotColumns: ['role', 'proven_by'] })
  declare users: ManyToMany<typeof User>

  /** IBAN shown to merchants: only the last 4 characters. */
  get ibanMasked() {
    if (!this.iban) return null
    const compact = this.iban.replace(/\s+/g, '')
    return `${compact.slice(0, 2)}•• •••• •••• •••• ${compact.slice(-4)}`
  }
}
