import vine from '@vinejs/vine'
import { formValidator } from '#validators/form_validator'
import { DOCUMENT_KINDS } from '#models/document'
import { documentMaxBytes } from '#config/portal'

/*
| „Dokumente“. Messages: `documents.validation` in resources/lang. Whether an
| uploaded file really is a PDF (its first bytes) is the service's check.
*/
const PREFIX = 'documents.validation'

export const DOCUMENT_TITLE_MAX = 200

/** A document's id in the path. */
export const documentParamsValidator = formValidator(
  PREFIX,
  vine.object({ id: vine.number().withoutDecimals().min(1).max(2_147_483_647) })
)

/** Support's upload on the admin customer page: title, kind, one PDF within the size limit. */
export const documentUploadValidator = formValidator(
  PREFIX,
  vine.object({
    title: vine.string().trim().minLength(1).maxLength(DOCUMENT_TITLE_MAX),
    kind: vine.enum(DOCUMENT_KINDS),
    file: vine.file({ size: documentMaxBytes, extnames: ['pdf'] }),
  })
)
