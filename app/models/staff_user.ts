import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import { compose } from '@adonisjs/core/helpers'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { withAuthFinder } from '@adonisjs/auth/mixins/lucid'

const AuthFinder = withAuthFinder(() => hash.use('argon'), {
  uids: ['email'],
  passwordColumnName: 'password',
})

/** A support agent or admin. Separate table and guard from merchant users. */
export default class StaffUser extends compose(BaseModel, AuthFinder) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare email: string

  @column()
  declare fullName: string

  @column()
  declare role: 'agent' | 'admin'

  @column({ serializeAs: null })
  declare password: string

  @column()
  declare state: 'active' | 'locked' | 'disabled'

  /** Counted up whenever all the staff member's sessions end (SessionRegistry.endSessionsOf). */
  @column()
  declare sessionGeneration: number

  @column()
  declare failedLoginCount: number

  @column.dateTime()
  declare lockedAt: DateTime | null

  @column({ serializeAs: null })
  declare totpSecret: string | null

  @column.dateTime()
  declare totpEnabledAt: DateTime | null

  @column({ serializeAs: null })
  declare recoveryCodes: string | null

  @column.dateTime()
  declare lastLoginAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  get isAdmin() {
    return this.role === 'admin'
  }
}
