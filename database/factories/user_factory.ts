import { DateTime } from 'luxon'
import factory from '@adonisjs/lucid/factories'
import User from '#models/user'
import { CustomerFactory } from '#database/factories/customer_factory'
import { nextSequence } from '#database/factories/sequence'

/** The password of a factory-made user (passes the password policy). */
export const USER_PASSWORD = 'Korrekt-Pferd-Batterie-Heftklammer-42'

/**
 * An active, verified merchant user. The model hashes the password when it is
 * saved (argon2id), as at a registration.
 */
export const UserFactory = factory
  .define(User, () => ({
    email: `haendler${nextSequence()}@example.com`,
    password: USER_PASSWORD,
    fullName: 'Erika Mustermann',
    locale: 'de',
    state: 'active' as const,
    emailVerifiedAt: DateTime.now(),
  }))
  .state('unverified', (user) => {
    user.state = 'pending_verification'
    user.emailVerifiedAt = null
  })
  .relation('customers', () => CustomerFactory)
  .build()
