import factory from '@adonisjs/lucid/factories'
import Customer from '#models/customer'
import { TerminalFactory } from '#database/factories/terminal_factory'
import { nextSequence } from '#database/factories/sequence'

/**
 * A customer in Frankfurt without e-mail. Deterministic values (no faker): a
 * random address or phone number could hold a card-like run of digits, and the
 * pages mask those.
 */
export const CustomerFactory = factory
  .define(Customer, () => {
    const n = nextSequence()
    return {
      customerNumber: `L${String(1_000_000 + n).slice(-7)}`,
      companyName: `Testhandel ${n} GmbH`,
      street: 'Hauptstraße 1',
      postalCode: '60311',
      city: 'Frankfurt am Main',
      country: 'DE',
      email: null,
    }
  })
  .relation('terminals', () => TerminalFactory)
  .build()
