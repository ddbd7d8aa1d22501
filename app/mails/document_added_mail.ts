import type { I18n } from '@adonisjs/i18n'
import { urlFor } from '@adonisjs/core/services/url_builder'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'
import { formatDate } from '#services/format/formatters'

export type DocumentMailData = {
  title: string
  kind: string
  customerNumber: string
  companyName: string
  /** ISO date the document arrived */
  date: string
}

/** "A new document is in the portal": no attachment, a link to „Dokumente“ (login required). */
export default class DocumentAddedMail extends PortalMail {
  constructor(
    recipient: string,
    locale: string,
    protected document: DocumentMailData
  ) {
    super(recipient, locale)
  }

  protected content(t: I18n['t'], i18n: I18n) {
    const doc = this.document
    return {
      subject: t('documents.mail.subject', { company: doc.companyName }),
      greeting: t('mail.greeting'),
      paragraphs: [
        t('documents.mail.body', {
          title: doc.title,
          kind: t(`documents.kinds.${doc.kind}`),
          company: doc.companyName,
          number: doc.customerNumber,
          date: formatDate(doc.date, i18n.locale),
        }),
        t('documents.mail.login'),
      ],
      action: {
        label: t('documents.mail.action'),
        url: urlFor(
          'documents.index',
          {},
          { qs: { customer: doc.customerNumber }, prefixUrl: appUrl }
        ),
      },
    }
  }
}
