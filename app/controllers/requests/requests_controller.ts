import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { TICKET_CATEGORIES } from '#models/ticket'
import { OutOfScope } from '#services/merchant/customer_scope'
import { RequestService } from '#services/requests/request_service'
import {
  REQUEST_MESSAGE_MAX,
  newRequestValidator,
  requestListValidator,
  requestParamsValidator,
} from '#validators/requests'

/** The user and the customers whose requests they see (CustomerPolicy `viewRequests`). */
const viewerOf = (ctx: HttpContext) =>
  RequestService.viewer(ctx.auth.use('web').user!.id, ctx.customerScope.linked)

/** „Meine Anfragen“: the list, a new request, one request with its conversation. */
export default class RequestsController {
  async index(ctx: HttpContext) {
    const { page } = await ctx.request.validateUsing(requestListValidator, {
      data: ctx.request.qs(),
    })
    const requests = await RequestService.list(viewerOf(ctx), page ?? 1)
    const pageUrl = (n: number) => urlFor('requests.index', {}, { qs: { page: n } })
    return ctx.view.render('pages/requests/index', {
      requests,
      prevUrl: requests.currentPage > 1 ? pageUrl(requests.currentPage - 1) : null,
      nextUrl: requests.hasMorePages ? pageUrl(requests.currentPage + 1) : null,
    })
  }

  /** The form; the customer in the header switch is preselected. */
  async create({ view, customerScope }: HttpContext) {
    const chosen = customerScope.chosen
    return view.render('pages/requests/create', {
      categories: TICKET_CATEGORIES,
      customers: customerScope.linked,
      preselected: chosen.length === 1 ? chosen[0].customerNumber : '',
      maxLength: REQUEST_MESSAGE_MAX,
    })
  }

  /** No captcha: the user is logged in. A customer not linked to the user is the shared 404. */
  async store({ request, response, session, auth, customerScope, i18n }: HttpContext) {
    const input = await request.validateUsing(newRequestValidator, {
      meta: { hasCustomers: customerScope.linked.length > 0 },
    })
    const customer = input.customer
      ? customerScope.linked.find((c) => c.customerNumber === input.customer!.toUpperCase())
      : null
    if (customer === undefined) throw new OutOfScope()
    const ticket = await RequestService.open(auth.use('web').user!, {
      category: input.category,
      customer,
      message: input.message,
    })
    session.flash('success', i18n.t('requests.created', { reference: ticket.reference! }))
    return response.redirect().toRoute('requests.show', { id: ticket.id })
  }

  async show(ctx: HttpContext) {
    const { id } = await ctx.request.validateUsing(requestParamsValidator, { data: ctx.params })
    const viewer = viewerOf(ctx)
    const { ticket, messages } = await RequestService.find(viewer, id)
    return ctx.view.render('pages/requests/show', {
      ticket,
      messages,
      authorNames: await RequestService.authorNames(messages),
      userId: viewer.userId,
      maxLength: REQUEST_MESSAGE_MAX,
    })
  }
}
