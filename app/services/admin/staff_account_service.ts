import StaffUser from '#models/staff_user'
import { AuditService, type AuditActor } from '#services/audit/audit_service'
import { SessionRegistry } from '#services/account/session_registry'
import { normalizeStaffEmail } from '#services/admin/staff_login_service'

export type NewStaff = {
  email: string
  fullName: string
  role: 'agent' | 'admin'
  password: string
}

/** Staff accounts: created by `node ace staff:create` (or an admin). */
export const StaffAccountService = {
  /** Creates an active staff account; TOTP is enrolled at its first login. */
  async create(data: NewStaff, actor: AuditActor = { type: 'system' }) {
    const email = normalizeStaffEmail(data.email)
    if (await StaffUser.findBy('email', email))
      return { ok: false as const, error: 'exists' as const }
    const staff = await StaffUser.create({
      email,
      fullName: data.fullName.trim(),
      role: data.role,
      password: data.password,
      state: 'active',
      failedLoginCount: 0,
    })
    await AuditService.record({
      action: 'staff.created',
      actor,
      meta: { staffId: staff.id, role: staff.role },
    })
    return { ok: true as const, staff }
  },
}

export const STAFF_ACTIONS = ['unlock', 'disable', 'reset_totp'] as const
export type StaffAction = (typeof STAFF_ACTIONS)[number]

/** What an admin may do to another staff account in its state. */
export function availableStaffActions(target: StaffUser): StaffAction[] {
  const actions: StaffAction[] = []
  if (target.state !== 'active') actions.push('unlock')
  if (target.state !== 'disabled') actions.push('disable')
  if (target.totpEnabledAt) actions.push('reset_totp')
  return actions
}

/** An admin's actions on staff accounts; never on their own account. */
export const StaffAdminService = {
  async perform(action: StaffAction, target: StaffUser, admin: StaffUser) {
    if (target.id === admin.id || !availableStaffActions(target).includes(action)) return false
    if (action === 'unlock') {
      target.state = 'active'
      target.failedLoginCount = 0
      target.lockedAt = null
    } else if (action === 'disable') {
      target.state = 'disabled'
    } else {
      /* the next login starts a fresh enrolment */
      target.totpSecret = null
      target.totpEnabledAt = null
      target.recoveryCodes = null
    }
    await target.save()
    if (action !== 'unlock') await SessionRegistry.endStaffSessions(target)
    await AuditService.record({
      action: `staff.${action}`,
      actor: { type: 'staff', id: admin.id },
      meta: { staffId: target.id, email: target.email },
    })
    return true
  },
}
