import { urlFor } from '@adonisjs/core/services/url_builder'
import type { I18n } from '@adonisjs/i18n'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'

export type ChangeOutcome = 'applied' | 'rejected' | 'done'

/** Support's decision on a change request: „übernommen“, „abgelehnt“ (with the note) or „erledigt“. */
export default class ChangeDecidedMail extends PortalMail {
  constructor(
    recipient: string,
    locale: string,
    protected change: {
      reference: string
      kind: string
      outcome: ChangeOutcome
      note: string | null
    }
  ) {
    super(recipient, locale)
  }

  protected content(t: I18n['t']) {
    const { reference, kind, outcome, note } = this.change
    const what = t(`changes.kinds.${kind}`)
    return {
      subject: t(`changes.mail.${outcome}.subject`, { reference }),
      greeting: t('mail.greeting'),
      paragraphs: [t(`changes.mail.${outcome}.body`, { reference, what })],
      quote: note ?? undefined,
      action: {
        label: t('changes.mail.action'),
        url: urlFor('changes.index', undefined, { prefixUrl: appUrl }),
      },
    }
  }
}
