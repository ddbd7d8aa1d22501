import Customer from '#models/customer'

/** Trimmed, upper case, inner spaces removed: the one stored form of a Kundennummer. */
export function normalizeCustomerNumber(value: string) {
  return value.trim().toUpperCase().replace(/\s+/g, '')
}

/** A Terminal-ID as typed (spaces allowed) reduced to its digits. */
export function normalizeTerminalId(value: string) {
  return value.replace(/\s+/g, '')
}

export const CustomerProof = {
  /** The customer with this number, when the terminal belongs to it; null otherwise. */
  async find(customerNumber: string, terminalId: string) {
    return Customer.query()
      .where('customer_number', normalizeCustomerNumber(customerNumber))
      .whereHas('terminals', (query) => query.where('terminal_id', normalizeTerminalId(terminalId)))
      .first()
  },
}
