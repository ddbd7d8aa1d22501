import Transaction from '#models/transaction'
import Invoice from '#models/invoice'
import type StaffUser from '#models/staff_user'
import { AuditService } from '#services/audit/audit_service'
import { InvoiceArchive } from '#services/invoices/invoice_archive'

/** how many of a customer's latest transactions the support view shows */
const TRANSACTION_ROWS = 50

/*
| A customer's transactions and invoices for support, read-only. Seeing a
| merchant's money is sensitive: every look is audited with the agent and the
| customer (one event per kind and page view, one per downloaded file).
*/
export const CustomerRecords = {
  /** The latest transactions and the invoices (newest first), audited as looked at. */
  async look(customerId: number, staff: StaffUser) {
    const [transactions, invoices] = await Promise.all([
      Transaction.query()
        .where('customer_id', customerId)
        .preload('terminal')
        .orderBy('occurred_at', 'desc')
        .orderBy('id', 'desc')
        .limit(TRANSACTION_ROWS),
      Invoice.query()
        .where('customer_id', customerId)
        .whereIn('status', ['issued', 'cancelled'])
        .orderBy('period', 'desc')
        .orderBy('id', 'desc'),
    ])
    for (const action of ['customer.viewed_transactions', 'customer.viewed_invoices']) {
      await AuditService.record({
        action,
        actor: { type: 'staff', id: staff.id },
        meta: { customerId },
      })
    }
    return { transactions, invoices }
  },

  /** One of the customer's invoice PDFs (checked against its SHA-256), audited. */
  async invoicePdf(customerId: number, invoiceId: number, staff: StaffUser, locale = 'de') {
    const result = await new InvoiceArchive().file([customerId], invoiceId, 'pdf', locale)
    if (result.status === 'ok') {
      await AuditService.record({
        action: 'customer.downloaded_invoice',
        actor: { type: 'staff', id: staff.id },
        meta: { customerId, invoiceId },
      })
    }
    return result
  },
}
