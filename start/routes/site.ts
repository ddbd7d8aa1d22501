import router from '@adonisjs/core/services/router'
import { controllers } from '#generated/controllers'
import { formPage } from '#exceptions/form_pages'

router.get('/health', [controllers.site.Health, 'show']).as('health')
router.post('/language', [controllers.site.Locale, 'update']).as('locale.update')
/* the switch has no page of its own: refused input goes home, as an unsafe `back` does */
formPage('locale.update', { route: 'dashboard' })
router.on('/impressum').render('pages/site/impressum').as('legal.imprint')
router.on('/datenschutz').render('pages/site/datenschutz').as('legal.privacy')
router.get('/agb', [controllers.site.Legal, 'terms']).as('legal.terms')
router.on('/barrierefreiheit').render('pages/site/barrierefreiheit').as('legal.accessibility')

router.get('/altcha/challenge', [controllers.site.Captcha, 'challenge']).as('captcha.challenge')
router.get('/vendor/altcha/:file', [controllers.site.Captcha, 'asset']).as('captcha.asset')

/* chart.js from our own origin (strict CSP, no CDN) */
router.get('/vendor/chart.umd.min.js', [controllers.site.Vendor, 'chart']).as('vendor.chart')
