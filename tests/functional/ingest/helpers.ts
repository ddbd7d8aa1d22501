import { DateTime } from 'luxon'
import env from '#start/env'
import db from '@adonisjs/lucid/services/db'
import { ApiTokenService } from '#services/ingest/api_token_service'

export const API_PATH = '/api/v1/transactions'
export const baseUrl = () => `http://${env.get('HOST')}:${env.get('PORT')}`

/** POSTs a raw body to the ingest API, as the processing host would. */
export async function postRaw(body: string, token?: string, contentType = 'application/json') {
  const headers: Record<string, string> = { 'content-type': contentType }
  if (token) headers.authorization = `Bearer ${token}`
  const response = await fetch(baseUrl() + API_PATH, { method: 'POST', headers, body })
  const text = await response.text()
  let json: any = null
  try {
    json = JSON.parse(text)
  } catch {}
  return { status: response.status, text, json }
}

export const postBatch = (transactions: unknown[], token?: string) =>
  postRaw(JSON.stringify({ transactions }), token)

export const issueToken = (name = 'processing-host') => ApiTokenService.issue(name)

let sequence = 0
/** A valid transaction item for a terminal; override any field. */
export function item(tid: string, overrides: Record<string, unknown> = {}) {
  sequence++
  return {
    reference: `TX${process.pid}N${sequence}`,
    terminal_id: tid,
    occurred_at: DateTime.now().setZone('Europe/Berlin').minus({ minutes: 1 }).toISO(),
    type: 'sale',
    status: 'approved',
    amount_minor: 1299,
    currency: 'EUR',
    card_brand: 'girocard',
    pan_masked: '672559*********1234',
    auth_code: 'A1B2C3',
    receipt_number: '000123',
    ...overrides,
  }
}

export const countTransactions = async () =>
  Number((await db.from('transactions').count('* as n').first())?.n ?? 0)

/** Every value of every transaction row, as one string, to search for card numbers. */
export async function dumpTransactions() {
  const rows = await db.from('transactions').select('*')
  return JSON.stringify(rows)
}
