import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Customer from '#models/customer'

export const CHANGE_KINDS = ['bank_account', 'address', 'contact', 'terminal_order'] as const
export type ChangeKind = (typeof CHANGE_KINDS)[number]

/**
 * awaiting_confirmation: a bank-account change waits for the link mailed to the
 * customer's existing contact address; pending: waits for support; approved_once:
 * a bank-account change one agent approved (four eyes: a second, different agent
 * applies it); applied: master data changed; done: a terminal order was handled;
 * rejected, cancelled.
 */
export const CHANGE_STATUSES = [
  'awaiting_confirmation',
  'pending',
  'approved_once',
  'applied',
  'done',
  'rejected',
  'cancelled',
] as const
export type ChangeStatus = (typeof CHANGE_STATUSES)[number]

const json = {
  prepare: (value: unknown) =>
    value === null || value === undefined ? null : JSON.stringify(value),
  consume: (value: unknown) =>
    value === null || value === undefined
      ? null
      : typeof value === 'string'
        ? JSON.parse(value)
        : value,
}

/** A merchant's structured change request (ADR 1701, docs/requests.md). */
export default class ChangeRequest extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  /** `CR-2026-000123` */
  @column()
  declare reference: string | null

  @column()
  declare customerId: number

  @column()
  declare userId: number | null

  @column()
  declare kind: ChangeKind

  @column(json)
  declare payload: Record<string, unknown>

  @column(json)
  declare before: Record<string, unknown> | null

  @column()
  declare status: ChangeStatus

  @column({ serializeAs: null })
  declare confirmTokenHash: string | null

  @column.dateTime()
  declare confirmExpiresAt: DateTime | null

  @column.dateTime()
  declare confirmedAt: DateTime | null

  @column()
  declare firstApproverId: number | null

  @column.dateTime()
  declare firstApprovedAt: DateTime | null

  @column()
  declare secondApproverId: number | null

  @column.dateTime()
  declare secondApprovedAt: DateTime | null

  @column()
  declare decidedByStaffId: number | null

  @column.dateTime()
  declare decidedAt: DateTime | null

  @column()
  declare decisionNote: string | null

  @column()
  declare ticketId: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @belongsTo(() => Customer)
  declare customer: BelongsTo<typeof Customer>
}
