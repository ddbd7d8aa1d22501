import { budgets } from '#services/security/rate_limits'
import { errors } from '@adonisjs/limiter'
import type Ticket from '#models/ticket'
import { AltchaService } from '#services/security/altcha_service'
import { TicketService, type NewContactTicket } from '#services/admin/ticket_service'
import { limitKeyAddress } from '#services/security/client_address'

/* Every POST per IP, every accepted request per e-mail. */
const perIp = budgets.contactPerIp
const perEmail = budgets.contactPerEmail

export type ContactResult =
  | { ok: true; ticket: Ticket }
  | { ok: false; error: 'throttled' | 'captcha_missing' | 'captcha_invalid' }

async function consume(budget: ReturnType<typeof perIp>, key: string) {
  try {
    await budget.consume(key)
    return true
  } catch (error) {
    if (error instanceof errors.E_TOO_MANY_REQUESTS) return false
    throw error
  }
}

/** The contact form („Jetzt kontaktieren“): throttle, real-user check, ticket. */
export const ContactService = {
  async submit(data: NewContactTicket, captcha: unknown, ip: string): Promise<ContactResult> {
    if (!(await consume(perIp(), `contact-ip:${limitKeyAddress(ip)}`))) {
      return { ok: false, error: 'throttled' }
    }
    const check = await AltchaService.verify(captcha)
    if (check === 'missing') return { ok: false, error: 'captcha_missing' }
    if (check !== 'ok') return { ok: false, error: 'captcha_invalid' }
    if (!(await consume(perEmail(), `contact-email:${data.email}`))) {
      return { ok: false, error: 'throttled' }
    }
    return { ok: true, ticket: await TicketService.open(data) }
  },
}
