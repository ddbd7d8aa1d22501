import type { HttpContext } from '@adonisjs/core/http'
import { contactPageValidator, contactValidator, CONTACT_MESSAGE_MAX } from '#validators/contact'
import { ContactService } from '#services/contact/contact_service'
import { TICKET_CATEGORIES } from '#models/ticket'
import { flashFieldError } from '#helpers/form_feedback'

/** The logged-in, active merchant writing the form, if any. */
async function activeMerchant({ auth }: HttpContext) {
  const web = auth.use('web')
  return (await web.check()) && web.user?.isActive ? web.user : null
}

/** „Jetzt kontaktieren“: a ticket for support, reachable without login. */
export default class ContactController {
  async show(ctx: HttpContext) {
    const { view, request } = ctx
    const { category } = await request.validateUsing(contactPageValidator, { data: request.qs() })
    return view.render('pages/contact/form', {
      categories: TICKET_CATEGORIES,
      preselected: (TICKET_CATEGORIES as readonly string[]).includes(category ?? '')
        ? category
        : '',
      user: await activeMerchant(ctx),
      maxLength: CONTACT_MESSAGE_MAX,
    })
  }

  async store(ctx: HttpContext) {
    const { request, response, session, i18n } = ctx
    const { altcha, ...data } = await request.validateUsing(contactValidator)
    const user = await activeMerchant(ctx)
    const result = await ContactService.submit(
      {
        ...data,
        customerNumber: data.customerNumber ?? null,
        userId: user?.id ?? null,
        locale: i18n.locale,
      },
      altcha,
      request.ip()
    )
    if (!result.ok) {
      if (result.error === 'throttled') {
        session.flashExcept(['altcha', '_csrf'])
        session.flash('error', i18n.t('contact.throttled'))
      } else {
        const key = result.error === 'captcha_missing' ? 'captcha.missing' : 'captcha.invalid'
        flashFieldError(ctx, 'altcha', i18n.t(key))
      }
      return response.redirect().toRoute('contact.show')
    }
    session.flash('ticketReference', result.ticket.reference ?? '')
    return response.redirect().toRoute('contact.sent')
  }

  async sent({ session, view, response }: HttpContext) {
    const reference = session.flashMessages.get('ticketReference')
    if (!reference) return response.redirect().toRoute('contact.show')
    return view.render('pages/contact/sent', { reference })
  }
}
