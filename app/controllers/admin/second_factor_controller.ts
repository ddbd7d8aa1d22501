import type { HttpContext } from '@adonisjs/core/http'
import encryption from '@adonisjs/core/services/encryption'
import { staffCodeValidator } from '#validators/admin'
import { StaffLoginService } from '#services/admin/staff_login_service'
import { TotpService } from '#services/admin/totp_service'
import { SessionRegistry } from '#services/account/session_registry'
import type StaffUser from '#models/staff_user'

const PENDING_SECRET = 'staff_totp_pending'
/* bound to the account: a secret left in a shared browser's session is never shown to another */
const pendingPurpose = (staff: StaffUser) => `staff_totp_pending:${staff.id}`

/** The staff member who passed the password step but not yet the second factor. */
async function halfSignedIn({ auth, session }: HttpContext): Promise<StaffUser | null> {
  const guard = auth.use('admin')
  if (!(await guard.check()) || !guard.user || guard.user.state !== 'active') return null
  if (session.get('staff_2fa_passed') === true) return null
  return guard.user
}

/** Admin login, step two: TOTP enrolment at the first login, then code or recovery code. */
export default class SecondFactorController {
  async showChallenge(ctx: HttpContext) {
    const staff = await halfSignedIn(ctx)
    if (!staff) return ctx.response.redirect().toRoute('admin.login')
    if (!staff.totpEnabledAt) return ctx.response.redirect().toRoute('admin.enrol')
    return ctx.view.render('pages/admin/totp')
  }

  async verifyChallenge(ctx: HttpContext) {
    const staff = await halfSignedIn(ctx)
    if (!staff || !staff.totpEnabledAt) return ctx.response.redirect().toRoute('admin.login')
    const { code } = await ctx.request.validateUsing(staffCodeValidator)
    const method = await StaffLoginService.checkSecondFactor(staff, code, {
      ip: ctx.request.ip(),
      i18n: ctx.i18n,
    })
    if (!method) {
      await staff.refresh()
      if (staff.state !== 'active') return this.#abort(ctx)
      ctx.session.flash('error', ctx.i18n.t('admin.totp.failed'))
      return ctx.response.redirect().toRoute('admin.totp')
    }
    await this.#pass(ctx, staff)
    if (method === 'recovery_code') {
      ctx.session.flash(
        'info',
        ctx.i18n.t('admin.totp.recovery_used', { count: TotpService.remainingRecoveryCodes(staff) })
      )
    }
    return ctx.response.redirect().toRoute('admin.dashboard')
  }

  async showEnrolment(ctx: HttpContext) {
    const staff = await halfSignedIn(ctx)
    if (!staff) return ctx.response.redirect().toRoute('admin.login')
    if (staff.totpEnabledAt) return ctx.response.redirect().toRoute('admin.totp')
    /* one pending secret per login, kept (encrypted) in the session until confirmed */
    let secret =
      encryption.decrypt<string>(ctx.session.get(PENDING_SECRET, ''), pendingPurpose(staff)) ?? null
    if (!secret) {
      secret = TotpService.newSecret()
      ctx.session.put(PENDING_SECRET, encryption.encrypt(secret, undefined, pendingPurpose(staff)))
    }
    const enrolment = await TotpService.enrolment(staff, secret)
    return ctx.view.render('pages/admin/enrol', { enrolment, secret })
  }

  async confirmEnrolment(ctx: HttpContext) {
    const staff = await halfSignedIn(ctx)
    if (!staff || staff.totpEnabledAt) return ctx.response.redirect().toRoute('admin.login')
    const secret =
      encryption.decrypt<string>(ctx.session.get(PENDING_SECRET, ''), pendingPurpose(staff)) ?? null
    if (!secret) return ctx.response.redirect().toRoute('admin.enrol')
    const { code } = await ctx.request.validateUsing(staffCodeValidator)
    const codes = await StaffLoginService.confirmEnrolment(staff, secret, code, {
      ip: ctx.request.ip(),
      i18n: ctx.i18n,
    })
    if (!codes) {
      await staff.refresh()
      if (staff.state !== 'active') return this.#abort(ctx)
      ctx.session.flash('error', ctx.i18n.t('admin.enrol.failed'))
      return ctx.response.redirect().toRoute('admin.enrol')
    }
    ctx.session.forget(PENDING_SECRET)
    await this.#pass(ctx, staff)
    ctx.session.flash('recoveryCodes', codes)
    return ctx.response.redirect().toRoute('admin.recovery_codes')
  }

  /** The recovery codes, right after enrolment, exactly once. */
  async showRecoveryCodes({ session, view, response }: HttpContext) {
    const codes = session.flashMessages.get('recoveryCodes') as string[] | undefined
    if (!codes || !Array.isArray(codes)) return response.redirect().toRoute('admin.dashboard')
    response.header('Cache-Control', 'no-store')
    return view.render('pages/admin/recovery_codes', { codes })
  }

  /** Renews the session id once more and marks the login complete. */
  async #pass({ session }: HttpContext, staff: StaffUser) {
    session.regenerate()
    session.put('staff_2fa_passed', true)
    await SessionRegistry.track(session, SessionRegistry.staffTag(staff.id))
  }

  async #abort({ auth, session, response, i18n }: HttpContext) {
    await auth.use('admin').logout()
    session.forget('staff_2fa_passed')
    session.flash('error', i18n.t('admin.login.failed'))
    return response.redirect().toRoute('admin.login')
  }
}
