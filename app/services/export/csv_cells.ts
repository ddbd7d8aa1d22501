/*
| Cells of every CSV the portal writes. A spreadsheet runs a cell that starts
| with = + - @ (or a tab or CR, blanks or quotes before them) as a formula, so text from outside —
| a receipt number from the processing host, a name a merchant typed — is
| neutralised as OWASP recommends ("CSV Injection"): prefixed with a single
| quote and put in double quotes. Numbers the portal formats itself stay numbers.
| Excel and LibreOffice in German read `;` files with decimal commas; the caller
| picks the delimiter to match (transaction_export_service.ts).
*/

/**
 * Formula triggers, also after leading blanks (an import may trim them) or quotes (a
 * spreadsheet or a later tool may strip them), and full-width ones.
 */
const FORMULA_START = /^[\s\u00a0"'\uff02\uff07]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/

/** A number as the portal formats it: `-1234,56`, `1234.56`, `42`. */
const PORTAL_NUMBER = /^-?\d+(?:[.,]\d+)?$/

/** The first characters that can begin FORMULA_START (one cheap test per cell of a million rows). */
function mayStartFormula(value: string) {
  const first = value.charCodeAt(0)
  return (
    first <= 32 ||
    first === 34 ||
    first === 39 ||
    first === 43 ||
    first === 45 ||
    first === 61 ||
    first === 64 ||
    first === 0xa0 ||
    first >= 0x1680
  )
}

/** A text cell; neutralised when a spreadsheet could read it as a formula. */
export function csvText(value: string, delimiter: string) {
  if (mayStartFormula(value) && FORMULA_START.test(value)) return quote(`'${value}`)
  return mustQuote(value, delimiter) ? quote(value) : value
}

/**
 * A number the portal formatted (never outside text): written as is, so a
 * negative amount stays a number. Anything else is treated as text.
 */
export function csvNumber(value: string, delimiter: string) {
  if (!PORTAL_NUMBER.test(value)) return csvText(value, delimiter)
  return value.includes(delimiter) ? quote(value) : value
}

/** One CSV line from cells already made with csvText / csvNumber. */
export const csvLine = (cells: string[], delimiter: string) => cells.join(delimiter) + '\n'

/** RFC 4180: a field holding the delimiter, a quote or a line break goes in quotes. */
function mustQuote(value: string, delimiter: string) {
  return value.includes(delimiter) || /["\r\n]/.test(value)
}

const quote = (value: string) => `"${value.replaceAll('"', '""')}"`
