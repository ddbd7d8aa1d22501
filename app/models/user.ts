import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import { compose } from '@adonisjs/core/helpers'
import { BaseModel, column, manyToMany } from '@adonisjs/lucid/orm'
import { withAuthFinder } from '@adonisjs/auth/mixins/lucid'
import type { ManyToMany } from '@adonisjs/lucid/types/relations'
import Customer from '#models/customer'

export const USER_STATES = [
  'pending_verification',
  'pending_approval',
  'active',
  'locked',
  'disabled',
] as const
export type UserState = (typeof USER_STATES)[number]
export type LockReason = 'failed_logins' | 'by_support'

const AuthFinder = withAuthFinder(() => hash.use('argon'), {
  uids: ['email'],
  passwordColumnName: 'password',
})

/** A merchant user; linked to one or more customers. */
export default class User extends compose(BaseModel, AuthFinder) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare email: string

  @column({ serializeAs: null })
  declare password: string

  @column()
  declare fullName: string | null

  @column()
  declare phone: string | null

  @column()
  declare locale: string

  @column()
  declare state: UserState

  /** The state a disabled account returns to when enabled (null: not disabled). */
  @column()
  declare stateBeforeDisable: UserState | null

  /** When the account was erased (issue 18): the row stays, pseudonymised, and is never enabled again. */
  @column.dateTime()
  declare erasedAt: DateTime | null

  /** Mail when a terminal of a customer has not closed for 5 days. */
  @column({ consume: (value) => Boolean(value) })
  declare alertUnclosed: boolean

  /** Mail when a closing or payout of a customer shows a difference. */
  @column({ consume: (value) => Boolean(value) })
  declare alertDifferences: boolean

  @column()
  declare lockReason: LockReason | null

  @column()
  declare lockNote: string | null

  @column.dateTime()
  declare lockedAt: DateTime | null

  @column()
  declare failedLoginCount: number

  /** Counted up whenever all the user's sessions end (SessionRegistry.endUserSessions). */
  @column()
  declare sessionGeneration: number

  @column.dateTime()
  declare emailVerifiedAt: DateTime | null

  @column.dateTime()
  declare passwordChangedAt: DateTime | null

  /** TOTP secret, encrypted with APP_KEY (null: no two-factor) */
  @column({ serializeAs: null })
  declare totpSecret: string | null

  @column.dateTime()
  declare totpEnabledAt: DateTime | null

  /** JSON list of hashed one-time recovery codes */
  @column({ serializeAs: null })
  declare recoveryCodes: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @manyToMany(() => Customer, {
    pivotTable: 'customer_user',
    pivotColumns: ['role', 'proven_by', 'proof_terminal_id'],
    pivotTimestamps: { createdAt: 'created_at', updatedAt: false },
  })
  declare customers: ManyToMany<typeof Customer>

  get isActive() {
    return this.state === 'active'
  }

  /** Trimmed, lower-case: the one form an e-mail is stored, looked up and throttled by. */
  static normalizeEmail(email: string) {
    return email.trim().toLowerCase()
  }
}
