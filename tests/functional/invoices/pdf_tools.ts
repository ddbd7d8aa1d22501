import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  type PDFRawStream,
  type PDFString,
  type PDFHexString,
  decodePDFRawStream,
} from 'pdf-lib'

/** The files embedded in a PDF (Names → EmbeddedFiles), by file name. */
export async function embeddedFiles(bytes: Uint8Array): Promise<Map<string, Buffer>> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false })
  const names = pdf.catalog.lookupMaybe(PDFName.of('Names'), PDFDict)
  const embedded = names?.lookupMaybe(PDFName.of('EmbeddedFiles'), PDFDict)
  const list = embedded?.lookupMaybe(PDFName.of('Names'), PDFArray)
  const files = new Map<string, Buffer>()
  if (!list) return files
  for (let index = 0; index < list.size(); index += 2) {
    const name = list.lookup(index) as PDFString | PDFHexString
    const spec = list.lookup(index + 1, PDFDict)
    const ef = spec.lookup(PDFName.of('EF'), PDFDict)
    const stream = ef.lookup(PDFName.of('F')) as PDFRawStream
    files.set(name.decodeText(), Buffer.from(decodePDFRawStream(stream).decode() as Uint8Array))
  }
  return files
}

/** The PDF's XMP metadata packet as text. */
export async function xmpMetadata(bytes: Uint8Array): Promise<string> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false })
  const stream = pdf.catalog.lookup(PDFName.of('Metadata')) as PDFRawStream | undefined
  return stream
    ? Buffer.from(decodePDFRawStream(stream).decode() as Uint8Array).toString('utf8')
    : ''
}

/** All text of all pages (pdf.js, as a PDF viewer reads it). */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const task = pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: true })
  const document = await task.promise
  const pages: string[] = []
  for (let number = 1; number <= document.numPages; number++) {
    const page = await document.getPage(number)
    const content = await page.getTextContent()
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '))
  }
  await task.destroy()
  return pages.join('\n')
}

/** The text of the first element with this (prefixed) tag name. */
export function xmlValue(xml: string, tag: string, after = 0): string | null {
  const match = new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`).exec(xml.slice(after))
  return match ? match[1] : null
}

export function xmlValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`, 'g'))].map(
    (match) => match[1]
  )
}
