/*
| HTTP kernel: global and named middleware.
*/
import router from '@adonisjs/core/services/router'
import server from '@adonisjs/core/services/server'

server.errorHandler(() => import('#exceptions/handler'))

server.use([
  () => import('#middleware/container_bindings_middleware'),
  /* files of public/, looked up only for paths that can be there */
  () => import('#middleware/public_files_middleware'),
  /* language and headers also for requests no route matches (the 404 page) */
  () => import('#middleware/detect_user_locale_middleware'),
  () => import('#middleware/security_headers_middleware'),
])

router.use([
  () => import('#middleware/body_parser_middleware'),
  () => import('@adonisjs/session/session_middleware'),
  () => import('#middleware/card_number_notice_middleware'),
  () => import('@adonisjs/shield/shield_middleware'),
  /* /api/* and /health keep no session (shield's CSRF secret would start one per call) */
  () => import('#middleware/stateless_routes_middleware'),
  () => import('@adonisjs/auth/initialize_auth_middleware'),
  () => import('#middleware/initialize_bouncer_middleware'),
])

export const middleware = router.named({
  auth: () => import('#middleware/auth_middleware'),
  guest: () => import('#middleware/guest_middleware'),
  staff: () => import('#middleware/staff_auth_middleware'),
  staffGuest: () => import('#middleware/staff_guest_middleware'),
  apiToken: () => import('#middleware/api_token_middleware'),
  customerScope: () => import('#middleware/customer_scope_middleware'),
})
