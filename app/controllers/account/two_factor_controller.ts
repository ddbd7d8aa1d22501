import type { HttpContext } from '@adonisjs/core/http'
import encryption from '@adonisjs/core/services/encryption'
import { urlFor } from '@adonisjs/core/services/url_builder'
import {
  accessIdValidator,
  twoFactorCodeValidator,
  twoFactorDisableValidator,
  twoFactorRequireValidator,
  twoFactorEnableValidator,
} from '#validators/account'
import { LOCALE_COOKIE } from '#middleware/detect_user_locale_middleware'
import { LoginService } from '#services/account/login_service'
import { AccountService } from '#services/account/account_service'
import { TwoFactorService } from '#services/account/two_factor_service'
import { flashFieldError } from '#helpers/form_feedback'
import { OutOfScope } from '#services/merchant/customer_scope'

/* the secret being enrolled, kept encrypted in the session until confirmed */
const PENDING_SECRET = 'account_totp_pending'
/* bound to the account: a secret left in a shared browser's session is never shown to another */
const pendingPurpose = (userId: number) => `account_totp_pending:${userId}`

/** Merchant two-factor: the login's code step, and switching TOTP on and off on the account page. */
export default class TwoFactorController {
  /** Login, step two: the code form (only with a pending login from the password step). */
  async challenge({ session, view, response }: HttpContext) {
    if (!(await LoginService.pendingLogin(session))) {
      return response.redirect().toRoute('account.login')
    }
    return view.render('pages/account/totp')
  }

  async verify(ctx: HttpContext) {
    const { request, response, session, i18n } = ctx
    const { code } = await request.validateUsing(twoFactorCodeValidator)
    const outcome = await LoginService.checkSecondFactor(ctx, code)
    if (outcome.result === 'ended') {
      session.flash('error', i18n.t('account.login.failed'))
      return response.redirect().toRoute('account.login')
    }
    if (outcome.result === 'wrong') {
      session.flash('error', i18n.t('account.totp.failed'))
      return response.redirect().toRoute('account.totp')
    }
    response.plainCookie(LOCALE_COOKIE, outcome.user.locale, {
      encode: false,
      maxAge: '365d',
      httpOnly: true,
      sameSite: 'lax',
    })
    if (outcome.method === 'recovery_code') {
      session.flash(
        'info',
        i18n.t('account.totp.recovery_used', { count: outcome.recoveryCodesLeft })
      )
    }
    /* a same-site path checked by safeRedirectTarget at the password step */
    return response.redirect(outcome.redirect)
  }

  /** The account page's two-factor section: enrolment (QR code, key, code) or the way to turn it off. */
  async show({ auth, session, view, response }: HttpContext) {
    const user = auth.use('web').user!
    response.header('Cache-Control', 'no-store')
    /* owners: require it for everyone on a customer they own */
    const owned = await TwoFactorService.ownedCustomers(user)
    if (user.totpEnabledAt) {
      return view.render('pages/account/two_factor', {
        enabled: true,
        since: user.totpEnabledAt.toJSDate(),
        recoveryCodesLeft: TwoFactorService.recoveryCodesLeft(user),
        requiredBy: await TwoFactorService.requiredBy(user),
        owned,
      })
    }
    let secret =
      encryption.decrypt<string>(session.get(PENDING_SECRET, ''), pendingPurpose(user.id)) ?? null
    if (!secret) {
      secret = TwoFactorService.newSecret()
      session.put(PENDING_SECRET, encryption.encrypt(secret, undefined, pendingPurpose(user.id)))
    }
    const enrolment = await TwoFactorService.enrolment(user, secret)
    return view.render('pages/account/two_factor', { enabled: false, enrolment, secret, owned })
  }

  async enable(ctx: HttpContext) {
    const { auth, request, session, response, i18n } = ctx
    const user = auth.use('web').user!
    const { code, current_password: password } =
      await request.validateUsing(twoFactorEnableValidator)
    /* wrong ones count like failed logins: a stolen session cannot guess on */
    if (!(await AccountService.checkCurrentPassword(user, password, { ip: request.ip(), i18n }))) {
      flashFieldError(ctx, 'current_password', i18n.t('account.password.wrong_current'))
      return response.redirect().toRoute('account.two_factor.show')
    }
    const secret =
      encryption.decrypt<string>(session.get(PENDING_SECRET, ''), pendingPurpose(user.id)) ?? null
    const codes = secret ? await TwoFactorService.enable(user, secret, code) : null
    if (!codes) {
      session.flash('error', i18n.t('account.two_factor.enable_failed'))
      return response.redirect().toRoute('account.two_factor.show')
    }
    session.forget(PENDING_SECRET)
    session.flash('recoveryCodes', codes)
    return response.redirect().toRoute('account.two_factor.codes')
  }

  /** The ten recovery codes, right after switching TOTP on, exactly once. */
  async codes({ session, view, response }: HttpContext) {
    const codes = session.flashMessages.get('recoveryCodes') as string[] | undefined
    if (!codes || !Array.isArray(codes)) return response.redirect().toRoute('account.show')
    response.header('Cache-Control', 'no-store')
    return view.render('pages/account/two_factor', { enabled: true, codes })
  }

  async disable(ctx: HttpContext) {
    const { auth, request, response, session, i18n } = ctx
    const data = await request.validateUsing(twoFactorDisableValidator)
    const result = await TwoFactorService.disable(
      auth.use('web').user!,
      data.current_password,
      data.code,
      { ip: request.ip(), i18n }
    )
    if (result === 'required') {
      const [customer] = await TwoFactorService.requiredBy(auth.use('web').user!)
      session.flash(
        'error',
        i18n.t('account.two_factor.disable_required', {
          company: customer.companyName,
          number: customer.customerNumber,
        })
      )
    } else if (result === 'wrong_current') {
      flashFieldError(ctx, 'current_password', i18n.t('account.password.wrong_current'))
    } else if (result === 'wrong_code') {
      flashFieldError(ctx, 'code', i18n.t('account.totp.failed'))
    } else {
      session.flash('success', i18n.t('account.two_factor.disabled'))
      return response.redirect(urlFor('account.show') + '#two-factor')
    }
    return response.redirect().toRoute('account.two_factor.show')
  }

  /** An owner requires two-factor sign-in for everyone on a customer they own, or stops. */
  async require(ctx: HttpContext) {
    const { auth, request, response, session, i18n } = ctx
    const { id } = await request.validateUsing(accessIdValidator, { data: ctx.params })
    const { require_two_factor: required } = await request.validateUsing(twoFactorRequireValidator)
    const result = await TwoFactorService.setRequired(auth.use('web').user!, id, required === true)
    if (result === 'not_found') throw new OutOfScope()
    if (result === 'needs_own') {
      session.flash('error', i18n.t('account.two_factor.require_needs_own'))
    } else {
      session.flash(
        'success',
        i18n.t(required ? 'account.two_factor.require_on' : 'account.two_factor.require_off')
      )
    }
    return response.redirect(urlFor('account.two_factor.show') + '#require')
  }
}
