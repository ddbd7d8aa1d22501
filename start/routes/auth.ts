import router from '@adonisjs/core/services/router'

router.on('/login').render('pages/dev/mails').as('login.placeholder')
