import type { ApplicationService } from '@adonisjs/core/types'
import ShieldMiddleware from '@adonisjs/shield/shield_middleware'

/**
 * Shield's provider binds its middleware with `bind`, so every request builds it
 * anew: the CSRF guard, the CSP directives normalized again, the encryption
 * resolved. The guards keep no per-request state (the nonce and the CSRF token
 * live on the request), so one instance serves all requests. Registered after
 * shield_provider in adonisrc.ts; the factory is the same as shield's own.
 */
export default class ShieldSingletonProvider {
  constructor(protected app: ApplicationService) {}

  register() {
    this.app.container.singleton(ShieldMiddleware, async () => {
      const config = this.app.config.get<ConstructorParameters<typeof ShieldMiddleware>[0]>(
        'shield',
        {}
      )
      const encryption = (await this.app.container.make('encryption')).use()
      const edge = this.app.usingEdgeJS ? (await import('edge.js')).default : undefined
      return new ShieldMiddleware(config, encryption, edge)
    })
  }
}
