import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { CustomerScope } from '#services/merchant/customer_scope'
import { rowFormat } from '#services/merchant/row_format'

/**
 * Every merchant page gets the user's customer scope (linked customers narrowed
 * by the switch); the layout's header names the company in view from it.
 */
export default class CustomerScopeMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    ctx.customerScope = await CustomerScope.resolve(ctx)
    ctx.view.share({ customerScope: ctx.customerScope, fmt: rowFormat(ctx.i18n) })
    return next()
  }
}
