import StaffUser from '#models/staff_user'
import { AuditService, type AuditActor } from '#services/audit/audit_service'
import { normalizeStaffEmail } from '#services/staff/staff_login_service'

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
