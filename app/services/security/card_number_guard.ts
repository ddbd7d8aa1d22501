/*
| The one card-number (PAN) detector of the portal: the ingest API refuses what
| it finds, free text is masked to first 6 + last 4 digits. Rules and their
| reasons: docs/adr/1401-card-numbers-in-all-text.md.
|
| A PAN is 13–19 digits passing the Luhn check, not starting with 0. It is found
| - written plainly or in groups joined by 1–3 separators (spaces of any kind,
|   tab, dashes, dot, slash, underscore, comma): a window of whole groups;
| - anywhere inside an unbroken run of digits (`41111111111111110000`);
| - with digits or separators spelled as `\uXXXX` escapes, full-width digits,
|   or invisible characters (soft hyphen, zero-width space) between digits.
| Not a PAN: a valid IBAN (SEPA country, right length, mod 97) and a phone
| number written with `+` and at most 15 digits (E.164).
*/

const OTHER = 0
const DIGIT = 1
const SEPARATOR = 2
/** Invisible characters: neither count as a separator nor end a number. */
const INVISIBLE = 3
const BACKSLASH = 4

const MIN = 13
const MAX = 19
const MAX_SEPARATORS = 3

const ASCII = new Uint8Array(128)
for (let code = 48; code <= 57; code++) ASCII[code] = DIGIT
for (const char of ' \t-./_,') ASCII[char.charCodeAt(0)] = SEPARATOR
ASCII[92] = BACKSLASH

/** The class of a character outside ASCII. */
function wideClass(code: number) {
  if (code >= 0xff10 && code <= 0xff19) return DIGIT
  if (
    code === 0xa0 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    (code >= 0x2010 && code <= 0x2015) ||
    code === 0x2212 ||
    code === 0xfe58 ||
    code === 0xfe63 ||
    code === 0xff0c ||
    code === 0xff0d ||
    code === 0xff0e ||
    code === 0xff0f ||
    code === 0xff3f
  ) {
    return SEPARATOR
  }
  if (code === 0xad || (code >= 0x200b && code <= 0x200d) || code === 0x2060 || code === 0xfeff) {
    return INVISIBLE
  }
  return OTHER
}

const classOf = (code: number) => (code < 128 ? ASCII[code] : wideClass(code))
const digitValue = (code: number) => (code <= 57 ? code - 48 : code - 0xff10)

/** The Luhn checksum over a string of ASCII digits. */
export function passesLuhn(digits: string) {
  let sum = 0
  let double = false
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
    double = !double
  }
  return sum % 10 === 0
}

/**
 * True when the text has 13 digits joined by at most 3 separators each (invisible
 * characters skipped) — every text holding a PAN does; most texts are cleared by
 * this one linear pass. `json`: the text is JSON, where the escapes `\/` and `\t`
 * spell a separator. (A `\u` escape is looked for separately: `mayHoldPan`,
 * `jsonTextMayHoldPan`.)
 */
export function hasThirteenDigitRun(text: string, json = false) {
  let digits = 0
  let separators = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    let kind = code < 128 ? ASCII[code] : wideClass(code)
    if (kind === BACKSLASH && json) {
      const escaped = text.charCodeAt(++i)
      kind = escaped === 47 /* / */ || escaped === 116 /* t */ ? SEPARATOR : OTHER
    }
    if (kind === DIGIT) {
      if (++digits >= MIN) return true
      separators = 0
    } else if (kind === SEPARATOR) {
      if (digits > 0 && ++separators > MAX_SEPARATORS) digits = 0
    } else if (kind !== INVISIBLE) {
      digits = 0
    }
  }
  return false
}

/** The cheap first look: false means the text cannot hold a PAN. */
const mayHoldPan = (text: string) =>
  text.length >= MIN && (hasThirteenDigitRun(text) || text.includes('\\u'))

/** True when the text holds a PAN (see the rules above). */
export function containsPan(text: string) {
  if (!mayHoldPan(text)) return false
  let found = false
  scan(text, () => {
    found = true
    return true
  })
  return found
}

/**
 * The text with every PAN masked to its first 6 and last 4 digits (the digits
 * between become `*`; separators stay), and whether anything was masked.
 */
export function maskPans(text: string): { text: string; masked: boolean } {
  if (!mayHoldPan(text)) return { text, masked: false }
  let current = text
  /* masking one window can leave digits that form another with their neighbours: look again */
  for (let round = 0; round < 10; round++) {
    const ranges: number[] = []
    let hits = 0
    scan(current, (number, start, end) => {
      hits++
      for (let k = start + 6; k < end - 4; k++) ranges.push(number.from[k], number.to[k])
      return false
    })
    if (!hits) return { text: current, masked: current !== text }
    current = replaceRanges(current, ranges)
  }
  /* never seen: still a PAN after ten rounds — then no digit of it stays */
  if (containsPan(current)) current = current.replace(/[0-9０-９]/g, '*')
  return { text: current, masked: true }
}

/** Replaces each [from, to) source range (digit or escape) with one `*`. */
function replaceRanges(text: string, ranges: number[]) {
  const pairs: [number, number][] = []
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i], ranges[i + 1]])
  pairs.sort((a, b) => a[0] - b[0])
  let out = ''
  let at = 0
  for (const [from, to] of pairs) {
    if (from < at) continue
    out += text.slice(at, from) + '*'
    at = to
  }
  return out + text.slice(at)
}

/** The digits of one number (groups joined by separators) and where each came from. */
type NumberRun = {
  digits: number[]
  /** source offsets of each digit: [from, to) (an escape spans 6 characters) */
  from: number[]
  to: number[]
  /** index in `digits` where each group starts */
  groups: number[]
}

/** Called for each PAN window [start, end) of digit indexes; return true to stop. */
type OnHit = (number: NumberRun, start: number, end: number) => boolean

/** Walks the text number by number and reports every window that is a PAN. */
function scan(text: string, onHit: OnHit) {
  const number: NumberRun = { digits: [], from: [], to: [], groups: [] }
  let separators = 0
  /* `+49 151 12345678`: an international phone number (E.164: at most 15 digits) */
  let phone = false
  const finish = () => {
    const n = number.digits.length
    const stop = n >= MIN && !(phone && n <= 15) && findWindows(number, onHit)
    number.digits.length = 0
    number.from.length = 0
    number.to.length = 0
    number.groups.length = 0
    separators = 0
    return stop
  }

  let i = 0
  while (i < text.length) {
    let code = text.charCodeAt(i)
    let length = 1
    let kind = classOf(code)
    if (kind === BACKSLASH) {
      const escaped = unicodeEscape(text, i)
      if (escaped >= 0) {
        code = escaped
        length = 6
        kind = classOf(escaped)
      } else {
        kind = OTHER
      }
    }
    if (kind === DIGIT) {
      if (number.digits.length === 0) {
        const ibanEnd = code <= 57 && length === 1 ? ibanEndingAfter(text, i) : -1
        if (ibanEnd > i) {
          i = ibanEnd
          continue
        }
        phone = text.charCodeAt(i - 1) === 43 /* + */
        number.groups.push(0)
      } else if (separators > 0) {
        number.groups.push(number.digits.length)
      }
      number.digits.push(digitValue(code))
      number.from.push(i)
      number.to.push(i + length)
      separators = 0
    } else if (kind === SEPARATOR) {
      if (number.digits.length && ++separators > MAX_SEPARATORS && finish()) return
    } else if (kind !== INVISIBLE) {
      if (number.digits.length && finish()) return
    }
    i += length
  }
  finish()
}

/** The character a `\uXXXX` escape at `i` spells, or -1. */
function unicodeEscape(text: string, i: number) {
  if (text.charCodeAt(i + 1) !== 117 /* u */ || i + 6 > text.length) return -1
  const hex = text.slice(i + 2, i + 6)
  return /^[0-9a-fA-F]{4}$/.test(hex) ? Number.parseInt(hex, 16) : -1
}

/**
 * Checks the windows of one number: every run of whole groups with 13–19 digits,
 * and every 13–19 digit window inside a group (an unbroken digit run). The Luhn
 * sum of any window comes from two prefix sums in constant time.
 */
function findWindows(number: NumberRun, onHit: OnHit) {
  const { digits, groups } = number
  const n = digits.length
  /* oddDoubled[i]: sum over k < i, digits at odd k doubled; evenDoubled: even k doubled */
  const oddDoubled = new Array<number>(n + 1)
  const evenDoubled = new Array<number>(n + 1)
  oddDoubled[0] = 0
  evenDoubled[0] = 0
  for (let k = 0; k < n; k++) {
    const d = digits[k]
    const doubled = d < 5 ? d * 2 : d * 2 - 9
    oddDoubled[k + 1] = oddDoubled[k] + (k % 2 ? doubled : d)
    evenDoubled[k + 1] = evenDoubled[k] + (k % 2 ? d : doubled)
  }
  /*
   * The rightmost digit is never doubled: when it sits at an even index, odd ones
   * are. No card number starts with 0 (ISO/IEC 7812 gives 0 to no card issuer),
   * so a zero-padded counter (`0000000000000123`) is no PAN, though 13 zeros pass Luhn.
   */
  const luhn = (start: number, end: number) =>
    digits[start] !== 0 &&
    ((end - 1) % 2 === 0
      ? oddDoubled[end] - oddDoubled[start]
      : evenDoubled[end] - evenDoubled[start]) %
      10 ===
      0

  const groupEnd = (g: number) => (g + 1 < groups.length ? groups[g + 1] : n)
  for (let first = 0; first < groups.length; first++) {
    for (let last = first; last < groups.length; last++) {
      const length = groupEnd(last) - groups[first]
      if (length > MAX) break
      if (
        length >= MIN &&
        luhn(groups[first], groupEnd(last)) &&
        onHit(number, groups[first], groupEnd(last))
      ) {
        return true
      }
    }
  }
  for (const [g, start] of groups.entries()) {
    const end = groupEnd(g)
    if (end - start <= MIN) continue
    for (let from = start; from + MIN <= end; from++) {
      for (let length = MIN; length <= MAX && from + length <= end; length++) {
        /* the whole group was a window of whole groups above */
        if (from === start && from + length === end) continue
        if (luhn(from, from + length) && onHit(number, from, from + length)) return true
      }
    }
  }
  return false
}

const isLetter = (code: number) => (code >= 65 && code <= 90) || (code >= 97 && code <= 122)
const isAlnum = (code: number) => isLetter(code) || (code >= 48 && code <= 57)

/*
| IBAN lengths of the SEPA countries. An IBAN is bank data the portal handles
| (master data, change requests, the operator's own account in every footer),
| and its 20-odd digits would almost always hold a Luhn-valid window.
*/
const IBAN_LENGTHS: Record<string, number> = Object.fromEntries(
  'AD24 AT20 BE16 BG22 CH21 CY28 CZ24 DE22 DK18 EE20 ES24 FI18 FR27 GB22 GI23 GR27 HR21 HU28 IE22 IS26 IT27 LI21 LT20 LU20 LV21 MC27 MT31 NL18 NO15 PL28 PT25 RO24 SE24 SI19 SK24 SM27 VA22'
    .split(' ')
    .map((entry) => [entry.slice(0, 2), Number(entry.slice(2))])
)

/**
 * When the digit at `i` is the first check digit of a valid IBAN (two letters
 * right before it, written plainly or in groups with single spaces), the offset
 * after the IBAN; else -1.
 */
function ibanEndingAfter(text: string, i: number) {
  if (i < 2 || !isLetter(text.charCodeAt(i - 1)) || !isLetter(text.charCodeAt(i - 2))) return -1
  if (i >= 3 && isAlnum(text.charCodeAt(i - 3))) return -1
  const length = IBAN_LENGTHS[text.slice(i - 2, i).toUpperCase()]
  if (!length) return -1
  let iban = ''
  let j = i - 2
  while (iban.length < length && j < text.length) {
    const code = text.charCodeAt(j)
    if (isAlnum(code)) {
      iban += text[j].toUpperCase()
      j++
    } else if (code === 32 && isAlnum(text.charCodeAt(j + 1)) && iban.length > 0) {
      j++
    } else {
      break
    }
  }
  if (iban.length !== length || (j < text.length && isAlnum(text.charCodeAt(j)))) return -1
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return -1
  return mod97(iban.slice(4) + iban.slice(0, 4)) === 1 ? j : -1
}

function mod97(value: string) {
  let rest = 0
  for (const char of value) {
    const code = char.charCodeAt(0)
    const digits = code >= 65 ? String(code - 55) : char
    for (const digit of digits) rest = (rest * 10 + Number(digit)) % 97
  }
  return rest
}

/**
 * A logger call's arguments with card numbers masked in its message strings, in
 * errors (message and stack) and in the strings of its structured fields (two
 * levels deep: `{ err: error.message }`, `{ job: { reason } }`) — wherever outside
 * text can end up in a log line.
 */
export function maskLogArguments(args: unknown[]) {
  return args.map((arg) => maskLogValue(arg, 2))
}

function maskLogValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return maskPans(value).text
  if (value instanceof Error) return maskError(value)
  if (!value || typeof value !== 'object' || depth === 0) return value
  if (Array.isArray(value)) {
    const items = value.map((item) => maskLogValue(item, depth - 1))
    return items.some((item, index) => item !== value[index]) ? items : value
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value
  let copy: Record<string, unknown> | null = null
  for (const [key, inner] of Object.entries(value)) {
    const masked = maskLogValue(inner, depth - 1)
    if (masked !== inner) (copy ??= { ...value })[key] = masked
  }
  return copy ?? value
}

function maskError(error: Error): Error {
  const message = maskPans(error.message).text
  const stack = error.stack === undefined ? undefined : maskPans(error.stack).text
  if (message === error.message && stack === error.stack) return error
  const copy = Object.assign(Object.create(Object.getPrototypeOf(error)), error) as Error
  copy.message = message
  copy.stack = stack
  return copy
}
