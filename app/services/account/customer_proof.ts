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
  /**
   * The customer with this number, when the terminal belongs to it and is in
   * service (`active`); null otherwise. A decommissioned, inactive or blocked
   * terminal's TID, still printed on old receipts, proves nothing.
   */
  async find(customerNumber: string, terminalId: string) {
    return Customer.query()
      .where('customer_number', normalizeCustomerNumber(customerNumber))
      .whereHas('terminals', (query) =>
        query.where('terminal_id', normalizeTerminalId(terminalId)).where('status', 'active')
      )
      .first()
  },
}
