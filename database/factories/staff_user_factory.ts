import factory from '@adonisjs/lucid/factories'
import StaffUser from '#models/staff_user'

/** The password of a factory-made staff account. */
export const STAFF_PASSWORD = 'Support-Passwort-2026!'

let counter = 0

/**
 * An active support agent without TOTP (the first login enrols it). The model
 * hashes the password when it is saved.
 */
export const StaffUserFactory = factory
  .define(StaffUser, () => {
    counter++
    return {
      /* base 36: 13 digits of Date.now() would be masked as a card number one time in five */
      email: `agent${counter}-${Date.now().toString(36)}@support.example.com`,
      fullName: `Agentin ${counter}`,
      role: 'agent' as const,
      password: STAFF_PASSWORD,
      state: 'active' as const,
      failedLoginCount: 0,
    }
  })
  .state('admin', (staff) => {
    staff.role = 'admin'
  })
  .build()
