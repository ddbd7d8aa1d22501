import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import app from '@adonisjs/core/services/app'
import operator from '#config/operator'

export type TermsText = { html: string; locale: string }

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
const escape = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char])

/**
 * A Markdown or plain-text file as HTML: blank lines part paragraphs, `#` lines
 * become headings below the page's own h1, `- ` lines a list. Everything else is
 * text, escaped (no HTML, no links: an .html file is for that).
 */
export function textToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter(Boolean)
    .map((block) => {
      const heading = /^(#{1,6})\s+(.*)$/.exec(block)
      if (heading && !block.includes('\n')) {
        const level = Math.min(heading[1].length + 1, 4)
        return `<h${level}>${escape(heading[2])}</h${level}>`
      }
      const lines = block.split('\n').map((line) => line.trim())
      if (lines.every((line) => /^[-*]\s+/.test(line))) {
        const items = lines.map((line) => `<li>${escape(line.replace(/^[-*]\s+/, ''))}</li>`)
        return `<ul>${items.join('')}</ul>`
      }
      return `<p>${lines.map(escape).join('<br>')}</p>`
    })
    .join('\n')
}

/**
 * The operator's own AGB in the visitor's language, German when there is no file
 * for it; null when no file is configured (the page then shows its placeholder).
 * Read on each request, so a new text needs no restart.
 */
export async function loadTermsText(
  locale: string,
  template: string | null = operator.termsFile
): Promise<TermsText | null> {
  if (!template) return null
  for (const candidate of [...new Set([locale, 'de'])]) {
    const path = resolve(app.makePath(), template.replaceAll('{locale}', candidate))
    const content = await readFile(path, 'utf8').catch(() => null)
    if (content === null) continue
    const html = /\.html?$/i.test(path) ? content : textToHtml(content)
    return { html, locale: candidate }
  }
  return null
}
