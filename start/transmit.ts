/*
| Live feed channels and their authorization.
*/
import transmit from '@adonisjs/transmit/services/main'

transmit.registerRoutes()
