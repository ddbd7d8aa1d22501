import EmailReplyParser from 'email-reply-parser'

/*
| The merchant's own words of a reply mail (docs/inbound.md „What is stripped“):
| our own pre-pass cuts at the first line that starts quoted history in the forms
| German and English mail programs write, then email-reply-parser (crisp-oss)
| removes what is left of `>` quotes, quote headers and the signature.
*/

/** Longest text stored from one mail; the rest is cut off and marked. */
export const MAX_REPLY_CHARS = 10_000

/** What of a mail's text is looked at at all. */
const MAX_INPUT_CHARS = 100_000

/*
| email-reply-parser's expressions (without the optional re2 engine) take cubic time
| on long lines such as `x on at on at …`: 6 KB on one line took 2.6 s, 12 KB 18 s.
| It only sees text with short lines and of a bounded size; other text keeps our own
| cut (linear) alone.
*/
const PARSER_MAX_CHARS = 20_000
const PARSER_MAX_LINE = 1_000

/** Ends a cut text before a run of digits it may have cut through (a card number's first part). */
const trailingDigits = /[\d\s./-]*\d[\d\s./-]*$/
const cutAt = (text: string, length: number) =>
  text.length > length ? text.slice(0, length).replace(trailingDigits, '') : text

/** Lines that always start the quoted history. */
const HISTORY_LINES = [
  /* Outlook, Thunderbird, GMX, web.de */
  /^-{2,}\s*(Ursprüngliche Nachricht|Original Message|Originalnachricht|Weitergeleitete Nachricht|Forwarded message)\s*-{2,}\s*$/i,
  /* Outlook's rule above the header block */
  /^_{20,}\s*$/,
]

/** „Am 02.12.2026 um 10:00 schrieb Kundenportal <…>:“, „On Wed, … wrote:“, possibly wrapped over 3 lines. */
const ATTRIBUTION_START = /^(>\s*)?(Am|On|Le|El|Il)\s.{0,200}$/i
const ATTRIBUTION_END = /(schrieb|wrote|a écrit|escribió|ha scritto)(\s+[^:]{0,200})?:\s*$/i

/** Outlook's header block without the dashed line: „Von: …“ followed by „Gesendet: …“ or „An: …“. */
const FROM_LINE = /^\*?(Von|From)\s*:\*?\s/i
const HEADER_LINE = /^\*?(Gesendet|Sent|Datum|Date|An|To|Betreff|Subject|Cc)\s*:\*?\s/i

/** The index of the first line of quoted history, or -1. */
function historyStart(lines: string[]) {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim()
    if (HISTORY_LINES.some((pattern) => pattern.test(line))) return i
    if (
      FROM_LINE.test(line) &&
      lines.slice(i + 1, i + 4).some((next) => HEADER_LINE.test(next.trim()))
    ) {
      return i
    }
    if (ATTRIBUTION_START.test(line)) {
      const joined = lines
        .slice(i, i + 3)
        .map((part) => part.trim())
        .filter(Boolean)
      for (let n = 1; n <= joined.length; n++) {
        if (ATTRIBUTION_END.test(joined.slice(0, n).join(' '))) return i
      }
    }
  }
  return -1
}

/** Cuts the text at the first line of quoted history our patterns know. */
export function cutHistory(text: string) {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const start = historyStart(lines)
  return (start === -1 ? lines : lines.slice(0, start)).join('\n')
}

/**
 * The reply without quoted history and signature, trimmed and at most
 * MAX_REPLY_CHARS long; '' when nothing of the sender's own is left.
 */
export function replyText(text: string) {
  /* only the start can be the reply; the parser's expressions never see megabytes */
  const cut = cutHistory(cutAt(text, MAX_INPUT_CHARS))
  let reply: string
  try {
    const parsable =
      cut.length <= PARSER_MAX_CHARS &&
      cut.split('\n').every((line) => line.length <= PARSER_MAX_LINE)
    reply = parsable ? new EmailReplyParser().parseReply(cut) : cut
  } catch {
    /* the library's regular expressions on hostile input: our cut alone is still safe */
    reply = cut
  }
  reply = reply
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
  if (reply.length > MAX_REPLY_CHARS) {
    reply = `${cutAt(reply, MAX_REPLY_CHARS).trimEnd()}\n\n[…]`
  }
  return reply
}
