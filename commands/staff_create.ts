import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/** `node ace staff:create`: a support agent or admin; asks for what is missing. */
export default class StaffCreate extends BaseCommand {
  static commandName = 'staff:create'
  static description =
    'Create a support staff account (agent or admin); TOTP is set up at first login'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'E-mail address (the login)' })
  declare email: string | undefined

  @flags.string({ description: 'Full name' })
  declare name: string | undefined

  @flags.string({ description: 'Role: agent or admin' })
  declare role: string | undefined

  @flags.string({ description: 'Password (at least 12 characters); prompted when missing' })
  declare password: string | undefined

  async run() {
    const { staffCreateValidator } = await import('#validators/admin')
    const { StaffAccountService } = await import('#services/admin/staff_account_service')
    /* without a terminal nobody can answer a prompt: say what is missing and fail */
    const missing = [
      ['--email', this.email],
      ['--name', this.name],
      ['--role', this.role],
      ['--password', this.password],
    ].filter(([, value]) => value === undefined)
    if (missing.length && !process.stdin.isTTY) {
      this.logger.error(
        `missing ${missing.map(([flag]) => flag).join(', ')} (no terminal to ask for them)`
      )
      this.exitCode = 1
      return
    }
    const input = {
      email: this.email ?? (await this.prompt.ask('E-mail address')),
      fullName: this.name ?? (await this.prompt.ask('Full name')),
      role: this.role ?? (await this.prompt.choice('Role', ['agent', 'admin'])),
      password: this.password ?? (await this.prompt.secure('Password (at least 12 characters)')),
    }
    let data
    try {
      data = await staffCreateValidator.validate(input)
    } catch (error: any) {
      for (const message of error.messages ?? [{ message: String(error) }]) {
        this.logger.error(`${message.field ?? ''} ${message.message}`.trim())
      }
      this.exitCode = 1
      return
    }
    const result = await StaffAccountService.create(data)
    if (!result.ok) {
      this.logger.error(`a staff account with ${data.email} already exists`)
      this.exitCode = 1
      return
    }
    this.logger.success(
      `created ${result.staff.role} ${result.staff.email} (id ${result.staff.id}); two-factor setup follows at the first login on /admin/login`
    )
  }
}
