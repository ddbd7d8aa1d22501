import { createHash } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import logger from '@adonisjs/core/services/logger'
import type Invoice from '#models/invoice'
import InvoiceRun from '#models/invoice_run'
import InvoiceRunItem from '#models/invoice_run_item'
import { getQueue } from '#services/queue/queues'
import { BillingPeriod } from '#services/invoices/billing_period'
import { InvoiceIssuer } from '#services/invoices/invoice_issuer'
import { generateInvoiceJob, type GenerateInvoicePayload } from '#jobs/generate_invoice'
import { sendInvoiceMailJob } from '#jobs/send_invoice_mail'
import { invoiceLanguage } from '#services/invoices/invoice_language'
import { CUSTOMER_ROLES } from '#models/customer_user'
import { roleAllows } from '#policies/customer_policy'
import { visibleLinksOnly } from '#services/account/owner_links'

/**
 * The monthly run: one invoice_runs row per period, one item per customer,
 * one BullMQ job per item with a deterministic id. Starting a period again
 * re-queues only what is not finished; the issuer makes every job idempotent.
 */
export class InvoiceRunService {
  constructor(readonly issuer = new InvoiceIssuer()) {}

  /** Starts (or resumes) the run of a closed period and queues its customers. */
  async start(
    period: BillingPeriod,
    triggeredBy: string,
    options: { enqueue?: boolean } = {}
  ): Promise<InvoiceRun> {
    if (!period.isClosed()) throw new Error(`period ${period.key} has not ended yet`)
    const run = await this.#runOf(period, triggeredBy)

    /*
     * One multi-row INSERT per 500 customers that skips the existing items: a
     * second start (even a concurrent one) adds only what is missing. Lucid's
     * createMany inserts row by row and cannot ignore duplicates, so the
     * timestamps are written here, as Lucid writes them.
     */
    const stamp = DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss')
    const customers = await db.from('customers').select('id').orderBy('id')
    const rows = customers.map((customer) => ({
      invoice_run_id: run.id,
      customer_id: customer.id,
      status: 'pending',
      attempts: 0,
      created_at: stamp,
      updated_at: stamp,
    }))
    for (let index = 0; index < rows.length; index += 500) {
      await db
        .connection()
        .getWriteClient()
        .table('invoice_run_items')
        .insert(rows.slice(index, index + 500))
        .onConflict(['invoice_run_id', 'customer_id'])
        .ignore()
    }
    run.customersTotal = await this.#count(run.id)
    await run.save()

    if (options.enqueue === false) return run.refresh()
    const pending = await InvoiceRunItem.query()
      .where('invoice_run_id', run.id)
      .where('status', 'pending')
      .select('customer_id')
    await this.#enqueue(
      run.id,
      period.key,
      pending.map((item) => item.customerId)
    )
    const failed = await InvoiceRunItem.query()
      .where('invoice_run_id', run.id)
      .where('status', 'failed')
    for (const item of failed) await this.retry(item.id)
    await this.#refreshRunStatus(run.id)
    return run.refresh()
  }

  /** The job body: issue one customer's invoice, record the outcome, mail the customer. */
  async processItem({ runId, customerId, period: periodKey }: GenerateInvoicePayload) {
    await db
      .from('invoice_run_items')
      .where({ invoice_run_id: runId, customer_id: customerId })
      .increment('attempts', 1)
    try {
      const period = BillingPeriod.parse(periodKey)
      if (!period) throw new Error(`invalid billing period ${periodKey}`)
      const prepared = await this.issuer.prepare(customerId, period)
      if (prepared.status === 'skipped') {
        await this.#setItem(runId, customerId, { status: 'skipped', lastError: null })
        await this.#refreshRunStatus(runId)
        return { status: 'skipped' }
      }
      const invoice = await this.issuer.finish(prepared.invoice)
      await this.#setItem(runId, customerId, {
        status: 'done',
        lastError: null,
        invoiceId: invoice.id,
      })
      await this.enqueueMails(invoice)
      await this.#refreshRunStatus(runId)
      return { status: 'done', invoiceId: invoice.id, number: invoice.number }
    } catch (error) {
      await this.#setItem(runId, customerId, { lastError: errorText(error) })
      throw error
    }
  }

  /** Called once a job has used up its attempts: the item shows as failed on the admin page. */
  async markFailed({ runId, customerId }: GenerateInvoicePayload, error: Error) {
    await this.#setItem(runId, customerId, { status: 'failed', lastError: errorText(error) })
    await this.#refreshRunStatus(runId)
  }

  /** Puts a failed item back in the queue (admin "retry"). */
  async retry(itemId: number): Promise<boolean> {
    const item = await InvoiceRunItem.find(itemId)
    if (!item || item.status !== 'failed') return false
    const run = await InvoiceRun.findOrFail(item.invoiceRunId)
    await this.#setItem(run.id, item.customerId, { status: 'pending' })
    const jobId = generateInvoiceJob.jobId(run.period, item.customerId)
    const job = await getQueue('invoices').getJob(jobId)
    if (job && (await job.isFailed())) await job.retry('failed')
    else await this.#enqueue(run.id, run.period, [item.customerId])
    await this.#refreshRunStatus(run.id)
    return true
  }

  /**
   * One mail job per recipient (customer e-mail, linked active users whose role may see
   * invoices: a viewer gets no invoice mail); ids make it once only. A portal user's mail
   * is in the user's language (PRODUCT: every mail in the recipient's language); the
   * customer's own address, which has no user behind it, gets the customer's invoice
   * language (`customers.language`, like the PDF).
   */
  async enqueueMails(invoice: Invoice) {
    if (invoice.status !== 'issued' || !invoice.number) return
    const customer = await db.from('customers').where('id', invoice.customerId).first()
    const users = await visibleLinksOnly(
      db.from('users').join('customer_user', 'customer_user.user_id', 'users.id')
    )
      .where('customer_user.customer_id', invoice.customerId)
      .where('users.state', 'active')
      .whereIn(
        'customer_user.role',
        CUSTOMER_ROLES.filter((role) => roleAllows(role, 'viewInvoices'))
      )
      .select('users.email', 'users.locale')
    const language = invoiceLanguage(customer)
    const recipients = new Map<string, string>()
    if (customer?.email) recipients.set(customer.email.trim().toLowerCase(), language)
    for (const user of users) {
      recipients.set(user.email.trim().toLowerCase(), user.locale === 'en' ? 'en' : 'de')
    }

    const cancelled = invoice.cancelsInvoiceId
      ? await db.from('invoices').where('id', invoice.cancelsInvoiceId).select('number').first()
      : null
    const data = {
      number: invoice.number,
      period: invoice.period,
      grossMinor: invoice.grossMinor,
      dueDate: invoice.dueDate!.toISODate()!,
      cancels: cancelled?.number ?? null,
    }
    await getQueue('invoices').addBulk(
      [...recipients].map(([recipient, locale]) => ({
        name: sendInvoiceMailJob.name,
        data: { recipient, locale, invoice: data },
        opts: {
          ...sendInvoiceMailJob.options,
          jobId: mailJobId(invoice, recipient),
        },
      }))
    )
  }

  /**
   * The same run without the queue, in this process (demo seeding, and the
   * benchmark's baseline): every customer one after another.
   */
  async runSynchronously(period: BillingPeriod, triggeredBy: string) {
    const run = await this.start(period, triggeredBy, { enqueue: false })
    const items = await InvoiceRunItem.query()
      .where('invoice_run_id', run.id)
      .whereIn('status', ['pending', 'failed'])
      .orderBy('customer_id')
    const result = { done: 0, skipped: 0, failed: 0 }
    for (const item of items) {
      const payload = { runId: run.id, customerId: item.customerId, period: period.key }
      try {
        const outcome = await this.processItem(payload)
        result[outcome.status === 'done' ? 'done' : 'skipped']++
      } catch (error) {
        await this.markFailed(payload, error as Error)
        result.failed++
      }
    }
    return result
  }

  /** Runs with their item counts for the admin page, newest period first. */
  async overview(limit = 24) {
    const runs = await InvoiceRun.query().orderBy('period', 'desc').limit(limit)
    const counts = await db
      .from('invoice_run_items')
      .whereIn(
        'invoice_run_id',
        runs.map((run) => run.id)
      )
      .groupBy('invoice_run_id', 'status')
      .select('invoice_run_id', 'status')
      .count('* as total')
    return runs.map((run) => {
      const byStatus = { pending: 0, done: 0, skipped: 0, failed: 0 }
      for (const row of counts.filter((entry) => entry.invoice_run_id === run.id)) {
        byStatus[row.status as keyof typeof byStatus] = Number(row.total)
      }
      return { run, ...byStatus }
    })
  }

  /** Failed items with period, customer and error, for the admin page. */
  async failedItems(limit = 200) {
    const rows = await db
      .from('invoice_run_items as item')
      .join('invoice_runs as run', 'run.id', 'item.invoice_run_id')
      .join('customers as customer', 'customer.id', 'item.customer_id')
      .where('item.status', 'failed')
      .orderBy('item.updated_at', 'desc')
      .limit(limit)
      .select(
        'item.id',
        'item.attempts',
        'item.last_error',
        'run.period',
        'customer.customer_number',
        'customer.company_name'
      )
    return rows.map((row) => ({
      id: Number(row.id),
      attempts: Number(row.attempts),
      lastError: row.last_error as string | null,
      period: row.period as string,
      customerNumber: row.customer_number as string,
      companyName: row.company_name as string,
    }))
  }

  async #enqueue(runId: number, period: string, customerIds: number[]) {
    if (!customerIds.length) return
    const queue = getQueue('invoices')
    /* a finished job under the same id would swallow the add (stale after a database restore) */
    for (const customerId of customerIds) {
      const existing = await queue.getJob(generateInvoiceJob.jobId(period, customerId))
      const state = existing ? await existing.getState() : null
      if (existing && (state === 'completed' || state === 'failed')) await existing.remove()
    }
    await queue.addBulk(
      customerIds.map((customerId) => ({
        name: generateInvoiceJob.name,
        data: { runId, customerId, period } satisfies GenerateInvoicePayload,
        opts: {
          ...generateInvoiceJob.options,
          jobId: generateInvoiceJob.jobId(period, customerId),
        },
      }))
    )
  }

  /** The run of the period: created once (UNIQUE(period): a concurrent start finds the winner's row). */
  async #runOf(period: BillingPeriod, triggeredBy: string) {
    const existing = await InvoiceRun.findBy('period', period.key)
    if (existing) return existing
    try {
      return await InvoiceRun.create({
        period: period.key,
        status: 'running',
        triggeredBy: triggeredBy.slice(0, 60),
        startedAt: DateTime.utc(),
      })
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      return InvoiceRun.findByOrFail('period', period.key)
    }
  }

  async #setItem(
    runId: number,
    customerId: number,
    values: Partial<Pick<InvoiceRunItem, 'status' | 'lastError' | 'invoiceId'>>
  ) {
    const item = await InvoiceRunItem.query()
      .where({ invoice_run_id: runId, customer_id: customerId })
      .first()
    if (!item) return
    await item.merge(values).save()
  }

  async #count(runId: number) {
    const row = await db
      .from('invoice_run_items')
      .where('invoice_run_id', runId)
      .count('* as total')
    return Number(row[0].total)
  }

  /**
   * The run's status from its items. The run row is locked while the items are
   * counted, so the worker finishing the last item always sees it, and only a
   * change of status is written (and logged once).
   */
  async #refreshRunStatus(runId: number) {
    const finished = await db.transaction(async (trx) => {
      const query = InvoiceRun.query({ client: trx }).where('id', runId)
      if (!trx.dialect.name.includes('sqlite')) query.forUpdate()
      const run = await query.first()
      if (!run) return null
      const status = await this.#statusOf(trx, runId)
      if (run.status === status) return null
      run.merge({ status, finishedAt: status === 'running' ? null : DateTime.utc() })
      await run.save()
      return status === 'running' ? null : status
    })
    if (finished) logger.info({ runId, status: finished }, 'invoice run finished')
  }

  async #statusOf(trx: TransactionClientContract, runId: number) {
    const rows = await trx
      .from('invoice_run_items')
      .where('invoice_run_id', runId)
      .whereIn('status', ['pending', 'failed'])
      .groupBy('status')
      .select('status')
      .count('* as total')
    const count = (status: string) => Number(rows.find((row) => row.status === status)?.total ?? 0)
    if (count('pending') > 0) return 'running' as const
    return count('failed') > 0 ? ('completed_with_failures' as const) : ('completed' as const)
  }
}

/** Fixed per issued invoice and recipient (the file hash pins the invoice even across restores). */
function mailJobId(invoice: Invoice, recipient: string) {
  const who = createHash('sha256').update(recipient).digest('hex').slice(0, 16)
  return `invoice-mail-${invoice.id}-${invoice.fileSha256!.slice(0, 16)}-${who}`
}

function errorText(error: unknown) {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return message.slice(0, 500)
}

function isDuplicateKey(error: unknown) {
  const code = (error as { code?: string })?.code
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE'
}
