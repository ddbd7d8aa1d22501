import { createReadStream } from 'node:fs'
import { StringDecoder } from 'node:string_decoder'
import type { Readable } from 'node:stream'

/** One data line of the file: its fields, or why they could not be read. */
export type CsvRow = { line: number; fields: string[] } | { line: number; error: string }

export type CsvSource = string | Readable

export interface CsvFile {
  delimiter: ';' | ','
  /** Header names, trimmed and lower-cased. */
  header: string[]
  /** Physical line of the header: 1, or 2 after a `sep=;` line. */
  headerLine: number
  /** Data rows in file order, a chunk of the file at a time. */
  rows: AsyncGenerator<CsvRow[]>
}

/**
 * Opens a UTF-8 CSV file (with or without BOM) and detects `;` or `,` from the header line
 * (or from Excel's `sep=;` line before it).
 *
 * Records are framed by physical line (a master-data field never holds a line break), so a
 * broken quote costs exactly its own line instead of swallowing the rest of the file
 * (docs/adr/0101-master-data-import.md).
 */
export async function openCsv(source: CsvSource): Promise<CsvFile> {
  const stream = typeof source === 'string' ? createReadStream(source) : source
  const lines = physicalLines(stream)
  let pending: Line[] = []
  const nextLine = async () => {
    while (pending.length === 0) {
      const chunk = await lines.next()
      if (chunk.done) return undefined
      pending = chunk.value
    }
    return pending.shift()
  }
  let headerLine = await nextLine()
  const sep = headerLine && /^sep=([;,])$/i.exec(headerLine.text.trim())
  if (sep) headerLine = await nextLine()
  if (!headerLine) return { delimiter: ',', header: [], headerLine: 1, rows: emptyRows() }
  const delimiter = sep ? (sep[1] as ';' | ',') : detectDelimiter(headerLine.text)
  const headerRow = splitLine(headerLine.text, delimiter, headerLine.line)
  const header =
    'fields' in headerRow ? headerRow.fields.map((name) => name.trim().toLowerCase()) : []
  return {
    delimiter,
    header,
    headerLine: headerLine.line,
    rows: dataRows(pending, lines, delimiter),
  }
}

async function* emptyRows(): AsyncGenerator<CsvRow[]> {}

async function* dataRows(
  first: Line[],
  lines: AsyncGenerator<Line[]>,
  delimiter: string
): AsyncGenerator<CsvRow[]> {
  yield toRows(first, delimiter)
  for await (const chunk of lines) yield toRows(chunk, delimiter)
}

function toRows(lines: Line[], delimiter: string): CsvRow[] {
  const rows: CsvRow[] = []
  for (const { text, line } of lines) {
    if (isBlank(text, delimiter)) continue
    rows.push(splitLine(text, delimiter, line))
  }
  return rows
}

export function detectDelimiter(headerLine: string): ';' | ',' {
  return count(headerLine, ';') > count(headerLine, ',') ? ';' : ','
}

/** Splits one physical line into fields; a quoting error becomes the row's error. */
export function splitLine(text: string, delimiter: string, line: number): CsvRow {
  if (text.includes('\uFFFD')) return { line, error: 'not valid UTF-8 (save the file as UTF-8)' }
  if (!text.includes('"')) return { line, fields: text.split(delimiter) }
  const fields = splitQuoted(text, delimiter)
  return typeof fields === 'string' ? { line, error: fields } : { line, fields }
}

/**
 * RFC 4180 for one line: a field in quotes may hold the delimiter and doubled quotes ("");
 * a quote inside an unquoted field (Bäckerei "Anker") is taken literally. Returns the
 * reason when a quoted field is not closed or text follows its closing quote.
 */
function splitQuoted(text: string, delimiter: string): string[] | string {
  const fields: string[] = []
  let position = 0
  while (true) {
    if (text[position] === '"') {
      let value = ''
      let from = position + 1
      while (true) {
        const quote = text.indexOf('"', from)
        if (quote === -1) return 'broken quote: a quoted field is not closed'
        value += text.slice(from, quote)
        if (text[quote + 1] === '"') {
          value += '"'
          from = quote + 2
          continue
        }
        position = quote + 1
        break
      }
      fields.push(value)
      if (position === text.length) return fields
      if (text[position] !== delimiter) {
        return `broken quote: text follows the closing quote of field ${fields.length}`
      }
      position++
    } else {
      const next = text.indexOf(delimiter, position)
      if (next === -1) {
        fields.push(text.slice(position))
        return fields
      }
      fields.push(text.slice(position, next))
      position = next + 1
    }
    if (position === text.length) {
      fields.push('')
      return fields
    }
  }
}

function isBlank(text: string, delimiter: string) {
  for (const char of text) {
    if (char !== delimiter && char !== ' ' && char !== '\t') return false
  }
  return true
}

function count(text: string, char: string) {
  let n = 0
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) n++
  return n
}

interface Line {
  text: string
  line: number
}

/** Decodes the stream as UTF-8, drops a BOM and yields its physical lines a chunk at a time. */
async function* physicalLines(stream: Readable): AsyncGenerator<Line[]> {
  const decoder = new StringDecoder('utf8')
  let carry = ''
  let lineNumber = 0
  let started = false
  for await (const chunk of stream) {
    let text = carry + (typeof chunk === 'string' ? chunk : decoder.write(chunk))
    if (!started && text.length > 0) {
      started = true
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    const lines: Line[] = []
    let start = 0
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      lines.push({ text: stripCr(text.slice(start, end)), line: ++lineNumber })
      start = end + 1
    }
    carry = text.slice(start)
    if (lines.length) yield lines
  }
  carry += decoder.end()
  if (!started && carry.charCodeAt(0) === 0xfeff) carry = carry.slice(1)
  if (carry.length) yield [{ text: stripCr(carry), line: ++lineNumber }]
}

function stripCr(text: string) {
  return text.endsWith('\r') ? text.slice(0, -1) : text
}
