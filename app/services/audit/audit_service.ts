import { HttpContext } from '@adonisjs/core/http'
import AuditEvent from '#models/audit_event'
import { maskPans } from '#services/security/card_number_guard'

export type AuditActor = { type: 'user' | 'staff' | 'system' | 'anonymous'; id?: number | null }

export type AuditEntry = {
  action: string
  actor: AuditActor
  subjectUserId?: number | null
  meta?: Record<string, unknown> | null
}

/**
 * The audit trail: who did what, when, to whom, from where. Never pass a
 * password, token or mail body in `meta`.
 */
export const AuditService = {
  /** Writes one audit event; IP and user agent come from the request being served, if any. */
  async record(entry: AuditEntry) {
    const request = HttpContext.get()?.request
    return AuditEvent.create({
      action: entry.action,
      actorType: entry.actor.type,
      actorId: entry.actor.id ?? null,
      subjectUserId: entry.subjectUserId ?? null,
      ip: request ? request.ip() : null,
      /* a header is whatever the client sends: no card number gets stored from it */
      userAgent: request ? maskPans((request.header('user-agent') ?? '').slice(0, 255)).text : null,
      meta: entry.meta ? maskStrings(entry.meta) : null,
    })
  },
}

/** The meta values with any card number in their strings masked. */
function maskStrings(meta: Record<string, unknown>) {
  return JSON.parse(JSON.stringify(meta), (_key, value) =>
    typeof value === 'string' ? maskPans(value).text : value
  ) as Record<string, unknown>
}
