import vine from '@vinejs/vine'
import { formValidator } from '#validators/form_validator'
import { USER_STATES } from '#models/user'
import { TICKET_CATEGORIES, TICKET_STATUSES } from '#models/ticket'
import { QUEUE_NAMES } from '#services/queue/queues'
import { STAFF_ACTIONS } from '#services/admin/staff_account_service'
import { ACCOUNT_ACTIONS } from '#services/account/account_state_service'
import { CUSTOMER_ROLES } from '#models/customer_user'

/*
| Every input of the admin area. The messages are `admin.validation` in
| resources/lang/<locale>/admin.json. Filters come from GET forms, whose empty
| fields arrive as '' (the choice „Alle“ among them).
*/
const PREFIX = 'admin.validation'

const page = () => vine.number().withoutDecimals().min(1).optional()
const term = (max: number) => vine.string().trim().maxLength(max).optional()
const day = () =>
  vine
    .string()
    .trim()
    .regex(/^(\d{4}-\d{2}-\d{2})?$/)
    .optional()

/* Admin login takes whatever was typed: no format rules, the answer never hints at what exists. */
export const staffLoginValidator = formValidator(
  PREFIX,
  vine.object({
    email: vine.string().trim().maxLength(254),
    password: vine.string().maxLength(256),
  })
)

/* A 6-digit TOTP code or a recovery code (xxxxx-xxxxx). */
export const staffCodeValidator = formValidator(
  PREFIX,
  vine.object({ code: vine.string().trim().maxLength(32) })
)

/* `node ace staff:create` and the staff form. */
export const staffCreateValidator = formValidator(
  PREFIX,
  vine.object({
    email: vine.string().trim().toLowerCase().email().maxLength(254),
    fullName: vine.string().trim().minLength(2).maxLength(120),
    role: vine.enum(['agent', 'admin'] as const),
    password: vine.string().minLength(12).maxLength(256),
  })
)

/* `confirmed` is the server-side confirmation of an action (the confirm page sends 1). */
export const staffActionValidator = formValidator(
  PREFIX,
  vine.object({ confirmed: vine.string().trim().maxLength(3).optional() })
)

export const staffActionParamsValidator = formValidator(
  PREFIX,
  vine.object({ id: vine.number().withoutDecimals().positive(), action: vine.enum(STAFF_ACTIONS) })
)

/* The fields an action on a merchant account may carry; the confirm page gets them as a query. */
const accountActionFields = {
  reason: vine.string().trim().maxLength(500).optional(),
  customerId: vine.number().withoutDecimals().positive().optional(),
  back: vine.string().trim().maxLength(512).optional(),
}

export const accountActionValidator = formValidator(
  PREFIX,
  vine.object({ ...accountActionFields, confirmed: vine.string().trim().maxLength(3).optional() })
)

export const accountActionQueryValidator = formValidator(PREFIX, vine.object(accountActionFields))

export const accountActionParamsValidator = formValidator(
  PREFIX,
  vine.object({
    id: vine.number().withoutDecimals().positive(),
    action: vine.enum(ACCOUNT_ACTIONS),
  })
)

/* An agent's reply to a ticket; closing and reopening. */
export const ticketReplyValidator = formValidator(
  PREFIX,
  vine.object({ body: vine.string().trim().minLength(2).maxLength(10000) })
)

/* Any of the three statuses (Offen, Wartet auf Kunde, Gelöst). */
export const ticketStatusValidator = formValidator(
  PREFIX,
  vine.object({ status: vine.enum(TICKET_STATUSES) })
)

/* An internal note: seen by agents only. */
export const ticketNoteValidator = formValidator(
  PREFIX,
  vine.object({ note: vine.string().trim().minLength(2).maxLength(10000) })
)

/* Assignment: a staff id, „me“, or '' for nobody. */
export const ticketAssignValidator = formValidator(
  PREFIX,
  vine.object({
    assignee: vine
      .string()
      .trim()
      .regex(/^(me|\d{1,10})?$/)
      .optional(),
  })
)

/* The ticket page: `?saved_reply=ID` pre-fills the reply without JavaScript. */
export const ticketShowValidator = formValidator(
  PREFIX,
  vine.object({ saved_reply: vine.number().withoutDecimals().min(1).optional() })
)

/*
| /admin/tickets: a status („all“ for every one; open when none is given), a category,
| an assignee (me, none or a staff id), a search term and the order.
*/
export const ticketFilterValidator = formValidator(
  PREFIX,
  vine.object({
    status: vine.enum(['all', ...TICKET_STATUSES] as const).optional(),
    category: vine.enum(['', ...TICKET_CATEGORIES] as const).optional(),
    assignee: vine
      .string()
      .trim()
      .regex(/^(me|none|\d{1,10})?$/)
      .optional(),
    q: term(200),
    sort: vine.enum(['', 'created', 'waiting'] as const).optional(),
    page: page(),
  })
)

/* A Textbaustein (/admin/saved-replies). */
export const savedReplyValidator = formValidator(
  PREFIX,
  vine.object({
    title: vine.string().trim().minLength(2).maxLength(120),
    locale: vine.enum(['de', 'en'] as const),
    text: vine.string().trim().minLength(2).maxLength(10000),
  })
)

/* /admin/users: an e-mail, name or customer number fragment and a state. */
export const userFilterValidator = formValidator(
  PREFIX,
  vine.object({
    q: term(100),
    state: vine.enum(['', ...USER_STATES] as const).optional(),
    page: page(),
  })
)

/* /admin/customers and /admin/terminals. */
export const lookupFilterValidator = formValidator(
  PREFIX,
  vine.object({ q: term(100), page: page() })
)

/* /admin/audit: actor, affected user, action prefix and a day range (YYYY-MM-DD). */
export const auditFilterValidator = formValidator(
  PREFIX,
  vine.object({
    actor: term(254),
    user: term(254),
    action: term(60),
    from: day(),
    to: day(),
    page: page(),
  })
)

/* /admin/jobs: the queue to list (mail when none is given); a retry names queue and job. */
export const jobFilterValidator = formValidator(
  PREFIX,
  vine.object({ queue: vine.enum(QUEUE_NAMES).optional() })
)

export const jobParamsValidator = formValidator(
  PREFIX,
  vine.object({ queue: vine.enum(QUEUE_NAMES), jobId: vine.string().trim().maxLength(100) })
)

/* A billing month for a manual invoice run; whether it is closed is the service's rule. */
export const invoiceRunValidator = formValidator(
  PREFIX,
  vine.object({
    period: vine
      .string()
      .trim()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  })
)

/* Support's decision on an access request (/admin/customers/:id): the role given on approval. */
export const accessRequestParamsValidator = formValidator(
  PREFIX,
  vine.object({
    id: vine.number().withoutDecimals().min(1),
    requestId: vine.number().withoutDecimals().min(1),
  })
)

export const accessRequestApprovalValidator = formValidator(
  PREFIX,
  vine.object({ role: vine.enum(CUSTOMER_ROLES) })
)
