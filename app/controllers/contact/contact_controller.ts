import type { HttpContext } from '@adonisjs/core/http'
import { SimpleMessagesProvider, errors } from '@vinejs/vine'
import { contactValidator, CONTACT_MESSAGE_MAX } from '#validators/contact'
import { ContactService } from '#services/contact/contact_service'
import { TICKET_CATEGORIES } from '#models/ticket'

/** The form's messages in the visitor's language. */
function messages(ctx: HttpContext) {
  const t = ctx.i18n.t.bind(ctx.i18n)
  return new SimpleMessagesProvider(
    {
      'required': t('contact.errors.required'),
      'name.minLength': t('contact.errors.name'),
      'name.maxLength': t('contact.errors.name'),
      'email.email': t('contact.errors.email'),
      'email.maxLength': t('contact.errors.email'),
      'customerNumber.regex': t('contact.errors.customer_number'),
      'category.enum': t('contact.errors.category'),
      'message.minLength': t('contact.errors.message_short'),
      'message.maxLength': t('contact.errors.message_long', { max: CONTACT_MESSAGE_MAX }),
    },
    {}
  )
}

/** „Jetzt kontaktieren“: a ticket for support, reachable without login. */
export default class ContactController {
  async show({ view, request, auth, session }: HttpContext) {
    const web = auth.use('web')
    const user = (await web.check()) && web.user?.isActive ? web.user : null
    const category = String(request.input('category', ''))
    return view.render('pages/contact/form', {
      categories: TICKET_CATEGORIES,
      preselected: (TICKET_CATEGORIES as readonly string[]).includes(category) ? category : '',
      user,
      maxLength: CONTACT_MESSAGE_MAX,
      captchaError: session.flashMessages.get('captchaError'),
    })
  }

  async store(ctx: HttpContext) {
    const { request, response, session, auth, i18n } = ctx
    let data
    try {
      data = await request.validateUsing(contactValidator, { messagesProvider: messages(ctx) })
    } catch (error) {
      if (!(error instanceof errors.E_VALIDATION_ERROR)) throw error
      /* back to the form itself, whatever the Referer says */
      session.flashValidationErrors(error, false)
      session.flashExcept(['altcha', '_csrf'])
      return response.redirect().toRoute('contact.show')
    }
    const web = auth.use('web')
    const user = (await web.check()) && web.user?.isActive ? web.user : null
    const result = await ContactService.submit(
      {
        ...data,
        customerNumber: data.customerNumber?.replace(/\s+/g, '') ?? null,
        userId: user?.id ?? null,
        locale: i18n.locale,
      },
      request.input('altcha'),
      ctx
    )
    if (!result.ok) {
      session.flashExcept(['altcha', '_csrf'])
      if (result.error === 'throttled') {
        session.flash('error', i18n.t('contact.errors.throttled'))
        return response.redirect().toRoute('contact.show')
      }
      session.flash(
        'captchaError',
        i18n.t(`captcha.${result.error === 'captcha_missing' ? 'missing' : 'invalid'}`)
      )
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
