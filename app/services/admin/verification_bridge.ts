import mail from '@adonisjs/mail/services/main'
import type User from '#models/user'
import VerifyEmailMail from '#mails/verify_email_mail'
import { OneTimeTokenService } from '#services/account/one_time_token_service'

/*
| Support's „Bestätigungsmail erneut senden“: a fresh confirmation link from the
| accounts area's token service, the same mail a registration sends.
*/
export async function resendVerification(user: User): Promise<boolean> {
  if (user.state !== 'pending_verification') return false
  const token = await OneTimeTokenService.issue(user, 'verify_email')
  await mail.sendLater(new VerifyEmailMail(user.email, user.locale, token))
  return true
}
