import type { HttpContext } from '@adonisjs/core/http'
import Terminal from '#models/terminal'
import { CHANGE_KINDS, type ChangeKind } from '#models/change_request'
import {
  ChangeRequestService,
  CANCELLABLE,
  type NewChange,
} from '#services/changes/change_request_service'
import { TERMINAL_ORDER_ITEMS, maskedValues } from '#services/changes/change_fields'
import {
  addressValidator,
  bankAccountValidator,
  changeFormValidator,
  changeKindValidator,
  contactValidator,
  terminalOrderValidator,
} from '#validators/changes'

/** The fields of the kind's form, validated. */
async function readForm(request: HttpContext['request'], kind: ChangeKind): Promise<NewChange> {
  switch (kind) {
    case 'bank_account':
      return { kind, ...(await request.validateUsing(bankAccountValidator)) }
    case 'address':
      return { kind, ...(await request.validateUsing(addressValidator)) }
    case 'contact': {
      const { email, phone } = await request.validateUsing(contactValidator)
      return { kind, email, phone: phone ?? null }
    }
    case 'terminal_order':
      return { kind, ...(await request.validateUsing(terminalOrderValidator)) }
  }
}

/**
 * „Stammdaten ändern“ (/changes): an owner's structured change requests
 * (CustomerPolicy `requestChanges`); every other role gets the shared 404.
 */
export default class ChangesController {
  async index({ view, bouncer, customerScope }: HttpContext) {
    const scope = await customerScope.authorize(bouncer, 'requestChanges')
    const requests = await ChangeRequestService.list(scope.ids)
    const rows = requests.map((request) => ({ request, values: maskedValues(request.payload) }))
    return view.render('pages/changes/index', {
      rows,
      kinds: CHANGE_KINDS,
      cancellable: CANCELLABLE,
    })
  }

  /** The form of one kind; after a refused post the flashed `kind` picks it again. */
  async create({ view, request, bouncer, customerScope, session }: HttpContext) {
    const scope = await customerScope.authorize(bouncer, 'requestChanges')
    const query = await request.validateUsing(changeFormValidator, { data: request.qs() })
    const flashed = session.flashMessages.get('kind')
    const kind: ChangeKind | null =
      query.kind ?? (CHANGE_KINDS.includes(flashed) ? (flashed as ChangeKind) : null)
    const terminals =
      kind === 'terminal_order'
        ? await Terminal.query().whereIn('customer_id', scope.ids).orderBy('terminal_id')
        : []
    return view.render('pages/changes/create', {
      kind,
      kinds: CHANGE_KINDS,
      customers: scope.chosen,
      terminals,
      items: TERMINAL_ORDER_ITEMS,
    })
  }

  async store({ request, response, session, i18n, auth, bouncer, customerScope }: HttpContext) {
    const scope = await customerScope.authorize(bouncer, 'requestChanges')
    const { kind, customer_id: customerId } = await request.validateUsing(changeKindValidator)
    scope.assertCustomer(customerId)
    const change = await readForm(request, kind)
    const created = await ChangeRequestService.create(auth.use('web').user!, customerId, change)
    const message = kind === 'bank_account' ? 'created_confirm' : 'created'
    session.flash('success', i18n.t(`changes.${message}`, { reference: created.reference }))
    return response.redirect().toRoute('changes.index')
  }

  async cancel({ params, response, session, i18n, auth, bouncer, customerScope }: HttpContext) {
    const scope = await customerScope.authorize(bouncer, 'requestChanges')
    const cancelled = await ChangeRequestService.cancel(
      auth.use('web').user!,
      scope.ids,
      Number(params.id)
    )
    session.flash(
      cancelled ? 'success' : 'error',
      i18n.t(`changes.${cancelled ? 'cancelled' : 'not_cancellable'}`)
    )
    return response.redirect().toRoute('changes.index')
  }
}
