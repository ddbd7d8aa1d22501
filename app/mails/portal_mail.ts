import { createHash } from 'node:crypto'
import edge from 'edge.js'
import { BaseMail } from '@adonisjs/mail'
import i18nManager from '@adonisjs/i18n/services/main'
import router from '@adonisjs/core/services/router'
import type { I18n } from '@adonisjs/i18n'
import { maskPans } from '#services/security/card_number_guard'
import { appUrl } from '#config/app'

export type MailContent = {
  subject: string
  greeting?: string
  paragraphs: string[]
  action?: { label: string; url: string }
  /** Untrusted text quoted in the mail (e.g. a ticket message); always escaped. */
  quote?: string
  after?: string[]
}

/**
 * Base for every portal mail: written in the recipient's language, with an
 * HTML and a plain-text part and the operator's footer. Links are absolute,
 * by route name on APP_URL (`urlFor(name, params, { prefixUrl: appUrl })`),
 * never from a request's headers. Subclasses only say
 * what the mail says; layout and escaping live in the two shared templates.
 */
export default abstract class PortalMail extends BaseMail {
  constructor(
    protected recipient: string,
    protected locale: string = 'de'
  ) {
    super()
  }

  protected abstract content(t: I18n['t'], i18n: I18n): MailContent

  /** See `once`. */
  protected deliveryKey?: string

  /**
   * Marks the mail as the one delivery of `key` (e.g. an event and its recipient):
   * it gets a Message-ID derived from the key, and the mail queue takes a mail with
   * that Message-ID only once (start/mail.ts), so a run that is retried after it
   * enqueued part of its mails does not send them twice.
   */
  once(key: string) {
    this.deliveryKey = key
    return this
  }

  async prepare() {
    const i18n = i18nManager.locale(
      i18nManager.supportedLocales().includes(this.locale) ? this.locale : 'de'
    )
    /* links are built by route name (urlFor, on APP_URL); outside a web server (the queue
       worker, ace commands) the routes are loaded but not yet committed */
    router.commit()
    const content = withoutCardNumbers(this.content(i18n.t.bind(i18n), i18n))
    const state = { ...content, i18n, locale: i18n.locale }
    this.message.to(this.recipient).subject(content.subject)
    if (this.deliveryKey) {
      const id = createHash('sha256').update(this.deliveryKey).digest('hex').slice(0, 40)
      this.message.messageId(`<${id}@${new URL(appUrl).hostname}>`)
    }
    this.message.html(await edge.render('emails/layout_html', state))
    this.message.text(await edge.render('emails/layout_text', state))
  }
}

/**
 * The mail's texts with any card number masked to first 6 + last 4. Input is
 * masked where it enters; this is the last check before a text leaves by mail
 * (and before the compiled mail waits in the Redis queue).
 */
function withoutCardNumbers(content: MailContent): MailContent {
  const mask = (text: string) => maskPans(text).text
  return {
    ...content,
    subject: mask(content.subject),
    greeting: content.greeting === undefined ? undefined : mask(content.greeting),
    paragraphs: content.paragraphs.map(mask),
    quote: content.quote === undefined ? undefined : mask(content.quote),
    after: content.after?.map(mask),
  }
}
