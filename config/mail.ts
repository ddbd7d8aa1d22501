import env from '#start/env'
import { defineConfig, transports } from '@adonisjs/mail'

/* "Name <address>" or a bare address. */
function parseFrom(value: string) {
  const match = value.match(/^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/)
  return match
    ? { name: match[1].trim(), address: match[2].trim() }
    : { name: '', address: value.trim() }
}

/*
| Every mail is enqueued (mail.sendLater) on the BullMQ mail queue and sent by
| the worker; see app/services/mail/queue_messenger.ts.
*/
const mailConfig = defineConfig({
  default: 'smtp',
  from: parseFrom(env.get('MAIL_FROM')),
  mailers: {
    smtp: transports.smtp({
      host: env.get('SMTP_HOST'),
      port: env.get('SMTP_PORT'),
      secure: false,
      ignoreTLS: env.get('NODE_ENV') !== 'production',
      connectionTimeout: 5000,
      greetingTimeout: 5000,
      socketTimeout: 10000,
    }),
  },
})

export default mailConfig

declare module '@adonisjs/mail/types' {
  export interface MailersList extends InferMailers<typeof mailConfig> {}
}
import type { InferMailers } from '@adonisjs/mail/types'
