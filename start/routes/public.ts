import router from '@adonisjs/core/services/router'
import { controllers } from '#generated/controllers'

router.get('/health', [controllers.Health, 'show']).as('health')
router.post('/language', [controllers.Locale, 'update']).as('locale.update')
router.on('/impressum').render('pages/legal/impressum').as('legal.imprint')
router.on('/datenschutz').render('pages/legal/datenschutz').as('legal.privacy')
router.on('/agb').render('pages/legal/agb').as('legal.terms')

router
  .group(() => {
    router.get('/', [controllers.dev.DemoMails, 'index']).as('index')
    router.get('/:id', [controllers.dev.DemoMails, 'show']).as('show')
  })
  .prefix('/demo/mails')
  .as('demo_mails')

router.get('/altcha/challenge', [controllers.Captcha, 'challenge']).as('captcha.challenge')
router.get('/vendor/altcha/:file', [controllers.Captcha, 'asset']).as('captcha.asset')
