import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class ApiToken extends BaseCommand {
  static commandName = 'api:token'
  static description =
    'Issue an API token for the processing host (printed once, stored hashed), or revoke one'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'A name for the token, e.g. the processing host' })
  declare name: string

  @flags.boolean({ description: 'Revoke every active token with this name instead' })
  declare revoke: boolean

  async run() {
    const { ApiTokenService } = await import('#services/ingest/api_token_service')
    const name = this.name.trim()
    if (!name || name.length > 60) {
      this.logger.error('The name must have 1 to 60 characters')
      this.exitCode = 1
      return
    }
    if (this.revoke) {
      const count = await ApiTokenService.revoke(name)
      if (count === 0) {
        this.logger.error(`No active token named "${name}"`)
        this.exitCode = 1
        return
      }
      this.logger.success(`Revoked ${count} token(s) named "${name}"`)
      return
    }
    const token = await ApiTokenService.issue(name)
    this.logger.success(`API token "${name}" issued. It is shown only now; store it safely:`)
    /* the token alone on its own line, so scripts can capture it */
    this.logger.log(token)
  }
}
