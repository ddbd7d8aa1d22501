/**
 * The query string as plain strings (last value wins). Not `request.qs()`: its
 * parser splits "12,50" at the comma, and German amounts have one.
 */
export function plainQuery(request: { parsedUrl: { query: string | null } }) {
  return Object.fromEntries(new URLSearchParams(request.parsedUrl.query ?? ''))
}

/** The transaction filter's multi-select keys. */
export const MULTI_KEYS = ['brand', 'type', 'status'] as const

export type FilterQueryInput = Record<string, string | string[]>

/**
 * The query string of the transaction filter: as `plainQuery`, but the
 * multi-select keys are lists, whether they come repeated (`brand=visa&brand=amex`,
 * what the form's checkboxes send) or as an array (`brand[0]=visa&brand[1]=amex`
 * or `brand[]=visa`, what `urlFor` writes for several values).
 */
export function filterQueryInput(request: { parsedUrl: { query: string | null } }) {
  const result: FilterQueryInput = {}
  for (const [rawKey, value] of new URLSearchParams(request.parsedUrl.query ?? '')) {
    const key = rawKey.replace(/\[\d*\]$/, '')
    if ((MULTI_KEYS as readonly string[]).includes(key)) {
      const list = result[key]
      result[key] = Array.isArray(list) ? [...list, value] : [value]
    } else if (key === rawKey) {
      result[key] = value
    }
  }
  return result
}
