import Customer from '#models/customer'
import Terminal from '#models/terminal'
import { simulatedTransaction } from '#services/ingest/simulated_transactions'

/** Sends simulated transactions to the ingest API over HTTP and counts the answers. */
export class SimulatorFeed {
  readonly endpoint: string
  readonly counts = { sent: 0, created: 0, duplicate: 0, rejected: 0, failed: 0 }

  constructor(
    baseUrl: string,
    private token: string,
    private terminals: string[]
  ) {
    this.endpoint = `${baseUrl}/api/v1/transactions`
  }

  /** The TIDs of active terminals, optionally of one customer number. */
  static async terminals(customerNumber?: string) {
    const query = Terminal.query().where('status', 'active').select('terminal_id')
    if (customerNumber) {
      const normalized = customerNumber.trim().toUpperCase().replace(/\s+/g, '')
      const customer = await Customer.findBy('customerNumber', normalized)
      if (!customer) return []
      query.where('customer_id', customer.id)
    }
    return (await query).map((terminal) => terminal.terminalId)
  }

  /** Posts `count` transactions in one request. */
  async send(count: number) {
    const transactions = Array.from({ length: count }, () =>
      simulatedTransaction(this.terminals[Math.floor(Math.random() * this.terminals.length)])
    )
    this.counts.sent += count
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'authorization': `Bearer ${this.token}` },
      body: JSON.stringify({ transactions }),
      signal: AbortSignal.timeout(10_000),
    })
    /* 422 with per-item results: some were refused, the others stored */
    if (response.status !== 200 && response.status !== 422) {
      this.counts.failed += count
      throw new Error(`the API answered ${response.status}`)
    }
    const body = (await response.json()) as {
      counts: Record<'created' | 'duplicate' | 'rejected', number>
    }
    this.counts.created += body.counts.created
    this.counts.duplicate += body.counts.duplicate
    this.counts.rejected += body.counts.rejected
  }

  summary() {
    const { sent, created, duplicate, rejected, failed } = this.counts
    return `${sent} sent, ${created} created, ${duplicate} duplicate, ${rejected} rejected, ${failed} failed`
  }
}
