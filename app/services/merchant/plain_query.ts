/**
 * The query string as plain strings (last value wins). Not `request.qs()`: its
 * parser splits "12,50" at the comma, and German amounts have one.
 */
export function plainQuery(request: { parsedUrl: { query: string | null } }) {
  return Object.fromEntries(new URLSearchParams(request.parsedUrl.query ?? ''))
}
