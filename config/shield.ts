import { isHttps } from '#config/app'
import { defineConfig } from '@adonisjs/shield'

/*
| Strict CSP: no inline script or style; a per-request nonce where a tag needs it.
| CSRF on every form (and the X-CSRF-TOKEN header of the live-feed subscription POST).
*/
const shieldConfig = defineConfig({
  csp: {
    enabled: true,
    directives: {
      defaultSrc: [`'self'`],
      scriptSrc: [`'self'`, '@nonce'],
      styleSrc: [`'self'`, '@nonce'],
      workerSrc: [`'self'`],
      connectSrc: [`'self'`],
      imgSrc: [`'self'`, 'data:'],
      fontSrc: [`'self'`],
      objectSrc: [`'none'`],
      baseUri: [`'none'`],
      formAction: [`'self'`],
      frameAncestors: [`'none'`],
    },
    reportOnly: false,
  },
  csrf: {
    enabled: true,
    /* the ingest API (bearer token) and the signed one-click unsubscribe of report mails (RFC 8058) */
    exceptRoutes: (ctx) =>
      ctx.request.url().startsWith('/api/') || ctx.route?.name === 'reports.unsubscribe.one_click',
    /*
     * no XSRF-TOKEN cookie: the live feed's script sends the page's token as X-CSRF-TOKEN,
     * and an encrypted cookie on every response cost ~3 % of a list page's CPU
     */
    enableXsrfCookie: false,
    methods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  },
  xFrame: { enabled: true, action: 'DENY' },
  hsts: { enabled: isHttps, maxAge: '365 days', includeSubDomains: true },
  contentTypeSniffing: { enabled: true },
})

export default shieldConfig
