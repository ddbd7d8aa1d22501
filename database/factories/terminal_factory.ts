import factory from '@adonisjs/lucid/factories'
import Terminal from '#models/terminal'
import { nextSequence } from '#database/factories/sequence'

/**
 * An active terminal with a unique 8-digit TID. Needs its customer: create it
 * through `CustomerFactory.with('terminals')` or merge a `customerId`.
 */
export const TerminalFactory = factory
  .define(Terminal, () => {
    const n = nextSequence()
    return {
      terminalId: String(50_000_000 + n).slice(-8),
      model: 'Move/5000',
      serialNumber: `SN${n}`,
      street: 'Hauptstraße 1',
      postalCode: '60311',
      city: 'Frankfurt am Main',
      status: 'active' as const,
      monthlyFeeMinor: 1990,
    }
  })
  .build()
