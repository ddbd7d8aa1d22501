import router from '@adonisjs/core/services/router'
import { controllers } from '#generated/controllers'

/* „Jetzt kontaktieren“: open to everyone, linked from the login page. */
router.get('/contact', [controllers.contact.Contact, 'show']).as('contact.show')
router.post('/contact', [controllers.contact.Contact, 'store']).as('contact.store')
router.get('/contact/sent', [controllers.contact.Contact, 'sent']).as('contact.sent')
