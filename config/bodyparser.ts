import { defineConfig } from '@adonisjs/core/bodyparser'
import { documentMaxBytes } from '#config/portal'

const bodyParserConfig = defineConfig({
  allowedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  form: {
    convertEmptyStringsToNull: true,
    types: ['application/x-www-form-urlencoded'],
    limit: '64kb',
  },
  json: {
    convertEmptyStringsToNull: false,
    /* no reviver: JSON.parse stays native-fast for 1,000-item ingest batches (validators trim) */
    trimWhitespaces: false,
    types: [
      'application/json',
      'application/json-patch+json',
      'application/vnd.api+json',
      'application/csp-report',
    ],
    limit: '2mb',
  },
  multipart: {
    /* only the document upload reads files (docs/documents.md) */
    autoProcess: ['/admin/customers/:id/documents'],
    convertEmptyStringsToNull: true,
    processManually: [],
    /* the body around the largest document (form fields, part headers) */
    limit: documentMaxBytes + 1024 * 1024,
    types: ['multipart/form-data'],
  },
})

export default bodyParserConfig
