import type { HttpContext } from '@adonisjs/core/http'
import { InvitationService } from '#services/account/invitation_service'
import { invitationAcceptValidator } from '#validators/account'
import { flashFieldError, passwordProblemMessage } from '#helpers/form_feedback'

/**
 * The invitee's side of an invitation (the link from the mail): a new address sets its
 * name and password; an existing account logs in and accepts. A used, revoked, expired
 * or unknown link answers the invalid-link page (410).
 */
export default class InvitationsController {
  async show({ params, view, response, auth }: HttpContext) {
    noStore(response)
    const invitation = await InvitationService.view(params.token)
    if (!invitation) return this.invalid({ response, view })
    const user = (await auth.use('web').check()) ? auth.use('web').user! : null
    return view.render('pages/account/invitation', {
      invitation,
      token: params.token,
      loggedInAs: user?.email ?? null,
      isInvitee: user?.email === invitation.email,
    })
  }

  /** A new address: name and password; the account is active at once. */
  async register(ctx: HttpContext) {
    const { params, request, response, session, view, i18n } = ctx
    noStore(response)
    const data = await request.validateUsing(invitationAcceptValidator)
    const result = await InvitationService.acceptNew(params.token, data.full_name, data.password)
    if (result === 'invalid') return this.invalid({ response, view })
    if (result === 'has_account')
      return response.redirect().toRoute('account.invitation', { token: params.token })
    if (result !== 'done') {
      flashFieldError(ctx, 'password', passwordProblemMessage(ctx, result))
      return response.redirect().toRoute('account.invitation', { token: params.token })
    }
    session.flash('success', i18n.t('account.invitation.registered'))
    return response.redirect().toRoute('account.login')
  }

  /** A logged-in account accepts an invitation to its own address. */
  async accept({ params, response, session, view, i18n, auth }: HttpContext) {
    noStore(response)
    const result = await InvitationService.acceptExisting(params.token, auth.use('web').user!)
    if (result === 'invalid') return this.invalid({ response, view })
    if (result === 'other_account') {
      session.flash('error', i18n.t('account.invitation.other_account'))
      return response.redirect().toRoute('account.invitation', { token: params.token })
    }
    session.flash('success', i18n.t('account.invitation.accepted'))
    return response.redirect().toRoute('dashboard')
  }

  invalid({ response, view }: Pick<HttpContext, 'response' | 'view'>) {
    response.status(410)
    return view.render('pages/account/invitation', { invitation: null })
  }
}

/* the token is in the path: never sent on as a referrer, never cached */
function noStore(response: HttpContext['response']) {
  response.header('Referrer-Policy', 'no-referrer')
  response.header('Cache-Control', 'no-store')
}
