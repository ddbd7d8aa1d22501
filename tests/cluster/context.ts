/*
| What every cluster check gets: the running cluster, the demo merchant's login
| and a session of it through nginx, an API token, the customer and terminals
| the checks ingest for, and clients through nginx or straight to a process.
*/
import { DateTime } from 'luxon'
import type { RowDataPacket } from 'mysql2/promise'
import { Client } from './client.js'
import type { Cluster } from './cluster.js'

export const API = '/api/v1/transactions'

export type Check = { name: string; run: (context: Context) => Promise<string | void> }

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message)
}

let sequence = 0

export class Context {
  private constructor(
    readonly cluster: Cluster,
    readonly token: string,
    readonly merchant: { email: string; password: string },
    readonly customerId: number,
    readonly terminals: string[],
    readonly session: Client
  ) {}

  /** Loads the demo data and an API token, and logs the demo merchant in through nginx. */
  static async create(cluster: Cluster, seedOutput: string, tokenOutput: string) {
    const seed = JSON.parse(seedOutput.trim().split('\n').pop()!)
    const token = tokenOutput.trim().split('\n').pop()!.trim()
    const [{ id }] = await query<{ id: number }>(
      cluster,
      "SELECT id FROM customers WHERE customer_number = 'L1000001'"
    )
    const terminals = await query<{ terminal_id: string }>(
      cluster,
      "SELECT terminal_id FROM terminals WHERE customer_id = ? AND status = 'active' ORDER BY id",
      [id]
    )
    const session = new Client(cluster.nginx.baseUrl, { ca: cluster.nginx.certificate })
    const context = new Context(
      cluster,
      token,
      seed.logins.merchant,
      id,
      terminals.map((row) => row.terminal_id),
      session
    )
    const login = await session.login(context.merchant.email, context.merchant.password)
    assert(login.status === 302, `the demo merchant's login answered ${login.status}`)
    return context
  }

  get nginx() {
    return this.cluster.nginx
  }

  get webPorts() {
    return this.cluster.webs.map((web) => web.port)
  }

  /** A new browser going through nginx from a loopback source address. */
  viaNginx(localAddress = '127.0.0.1') {
    return new Client(this.nginx.baseUrl, { ca: this.nginx.certificate, localAddress })
  }

  /** A new client straight to one web process, bypassing nginx. */
  direct(port: number, localAddress = '127.0.0.1') {
    return new Client(`http://127.0.0.1:${port}`, { localAddress })
  }

  postBatch(client: Client, transactions: unknown[]) {
    return client.request(API, {
      json: { transactions },
      headers: { authorization: `Bearer ${this.token}` },
    })
  }

  rows<T = RowDataPacket>(sql: string, params: unknown[] = []) {
    return query<T>(this.cluster, sql, params)
  }

  /** A valid ingest item (docs/api.md) for a terminal. */
  item(terminalId: string, reference = `CL${process.pid}-${++sequence}`) {
    return {
      reference,
      terminal_id: terminalId,
      occurred_at: DateTime.now().setZone('Europe/Berlin').minus({ minutes: 1 }).toISO(),
      type: 'sale',
      status: 'approved',
      amount_minor: 1299,
      currency: 'EUR',
      card_brand: 'girocard',
      pan_masked: '672559*********1234',
      auth_code: 'A1B2C3',
      receipt_number: String(100_000 + (sequence % 900_000)),
    }
  }
}

/** Rows from the primary. */
async function query<T>(cluster: Cluster, sql: string, params: unknown[] = []) {
  const [result] = await cluster.db.query<RowDataPacket[]>(sql, params)
  return result as T[]
}
