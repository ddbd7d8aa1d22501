/**
 * Only same-site paths are followed after login or a language switch:
 * `//evil.example`, `/\evil.example`, `https://…` and control characters fall back.
 */
export function safeRedirectTarget(value: unknown, fallback = '/') {
  if (typeof value !== 'string' || value.length === 0 || value.length > 512) return fallback
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
  if (/[\u0000-\u001f\\]/.test(value)) return fallback
  try {
    const parsed = new URL(value, 'http://portal.invalid')
    if (parsed.host !== 'portal.invalid') return fallback
    /* `/.//evil.example` and `/a/..//evil.example` normalise to `//evil.example`: another host */
    if (parsed.pathname.startsWith('//')) return fallback
    return parsed.pathname + parsed.search
  } catch {
    return fallback
  }
}
