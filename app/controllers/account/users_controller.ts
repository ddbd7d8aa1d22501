import type { HttpContext } from '@adonisjs/core/http'
import { CUSTOMER_ROLES } from '#models/customer_user'
import { OutOfScope } from '#services/merchant/customer_scope'
import { CustomerUsersService, type ChangeResult } from '#services/account/customer_users_service'
import { InvitationService } from '#services/account/invitation_service'
import { accessIdValidator, accessRoleValidator, invitationValidator } from '#validators/account'

/**
 * „Benutzer“ (/account/users), for owners only (CustomerPolicy `manageUsers`): a
 * customer's users and roles, and its pending access requests. Anyone who owns no
 * customer gets the same 404 as a missing page; so does any id outside the owner's
 * customers.
 */
export default class UsersController {
  async index({ view, auth, bouncer, customerScope }: HttpContext) {
    await this.authorize({ bouncer, customerScope })
    const customers = await CustomerUsersService.overview(auth.use('web').user!)
    return view.render('pages/account/users', { customers, roles: CUSTOMER_ROLES })
  }

  async approve(ctx: HttpContext) {
    await this.authorize(ctx)
    const { id } = await ctx.request.validateUsing(accessIdValidator, { data: ctx.params })
    const { role } = await ctx.request.validateUsing(accessRoleValidator)
    await CustomerUsersService.approve(ctx.auth.use('web').user!, id, role)
    return this.back(ctx, 'approved')
  }

  async deny(ctx: HttpContext) {
    await this.authorize(ctx)
    const { id } = await ctx.request.validateUsing(accessIdValidator, { data: ctx.params })
    await CustomerUsersService.deny(ctx.auth.use('web').user!, id)
    return this.back(ctx, 'denied')
  }

  async role(ctx: HttpContext) {
    await this.authorize(ctx)
    const { id } = await ctx.request.validateUsing(accessIdValidator, { data: ctx.params })
    const { role } = await ctx.request.validateUsing(accessRoleValidator)
    const result = await CustomerUsersService.changeRole(ctx.auth.use('web').user!, id, role)
    return this.back(ctx, messageFor(result, 'role_changed', 'role_unchanged'))
  }

  async destroy(ctx: HttpContext) {
    await this.authorize(ctx)
    const { id } = await ctx.request.validateUsing(accessIdValidator, { data: ctx.params })
    const result = await CustomerUsersService.remove(ctx.auth.use('web').user!, id)
    return this.back(ctx, messageFor(result, 'removed', 'removed'))
  }

  /** Invites an address with a role to a customer the owner owns. */
  async invite(ctx: HttpContext) {
    await this.authorize(ctx)
    const data = await ctx.request.validateUsing(invitationValidator)
    const result = await InvitationService.invite(
      ctx.auth.use('web').user!,
      data.customer_id,
      data.email,
      data.role
    )
    if (result === 'already_has_access') {
      ctx.session.flash(
        'error',
        ctx.i18n.t('account.users.invitation_has_access', { email: data.email })
      )
      return ctx.response.redirect().toRoute('account.users.index')
    }
    ctx.session.flash('success', ctx.i18n.t('account.users.invitation_sent', { email: data.email }))
    return ctx.response.redirect().toRoute('account.users.index')
  }

  /** Revokes an open invitation: its link answers as invalid from now on. */
  async revokeInvitation(ctx: HttpContext) {
    await this.authorize(ctx)
    const { id } = await ctx.request.validateUsing(accessIdValidator, { data: ctx.params })
    await InvitationService.revoke(ctx.auth.use('web').user!, id)
    return this.back(ctx, 'invitation_revoked')
  }

  /** Owners of at least one linked customer only; everyone else the shared 404. */
  async authorize({ bouncer, customerScope }: Pick<HttpContext, 'bouncer' | 'customerScope'>) {
    const policy = bouncer.with('CustomerPolicy')
    for (const customer of customerScope.linked) {
      if (await policy.allows('manageUsers', customer)) return
    }
    throw new OutOfScope()
  }

  back({ response, session, i18n }: HttpContext, message: string) {
    session.flash(
      message === 'last_owner' ? 'error' : 'success',
      i18n.t(`account.users.${message}`)
    )
    return response.redirect().toRoute('account.users.index')
  }
}

function messageFor(result: ChangeResult, done: string, unchanged: string) {
  if (result === 'last_owner') return 'last_owner'
  return result === 'done' ? done : unchanged
}
