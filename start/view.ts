/*
| Globals every edge template (pages, mails, PDFs) may use.
*/
import app from '@adonisjs/core/services/app'
import edge, { Template } from 'edge.js'
import operator from '#config/operator'
import { appUrl, demoMode } from '#config/app'
import { formatDate, formatDateTime, formatMoney, formatNumber } from '#services/format/formatters'

edge.global('operator', operator)
edge.global('appUrl', appUrl)
edge.global('demoMode', demoMode)
edge.global('formatMoney', formatMoney)
edge.global('formatDateTime', formatDateTime)
edge.global('formatDate', formatDate)
edge.global('formatNumber', formatNumber)
/** `?a=1&b=2` of a built URL ('' without one): a query string built once for many links */
edge.global('querySuffix', (url: string) => {
  const at = url.indexOf('?')
  return at === -1 ? '' : url.slice(at)
})

/*
 * edge.js lists the components directory again for every renderer (every request)
 * unless the instance was created with caching on; the shared instance is created
 * first and configured with `cache: app.inProduction` later, so the listing is
 * repeated in production too. With compiled templates cached the list cannot change:
 * list once.
 */
if (app.inProduction) {
  const listComponents = edge.loader.listComponents.bind(edge.loader)
  let components: ReturnType<typeof listComponents> | undefined
  edge.loader.listComponents = () => (components ??= listComponents())
}

/*
 * `@include` compiles its partial at render time with the names of the local
 * variables in scope (loop variables and the like); edge.js caches only what is
 * compiled without local variables, and an include always passes a list (often
 * empty), so every include was read, tokenized and compiled again on every render —
 * about a sixth of a list page's CPU (docs/performance.md). The compiled function
 * depends only on the file and those names, so in production it is kept under both.
 */
if (app.inProduction) {
  for (const compiler of [edge.compiler, edge.asyncCompiler]) {
    const compile = compiler.compile.bind(compiler)
    const partials = new Map<string, ReturnType<typeof compile>>()
    compiler.compile = (templatePath: string, localVariables?: string[]) => {
      if (!localVariables) return compile(templatePath)
      const key = `${templatePath}\u0000${localVariables.join(',')}`
      let compiled = partials.get(key)
      if (!compiled) {
        compiled = compile(templatePath, localVariables)
        partials.set(key, compiled)
      }
      return compiled
    }
  }
}

/*
 * Every `{{ }}` calls `template.escape`, which runs he.escape's replace (≈ 100 ns) even
 * on text with nothing to escape: a list page has about 830 of them (mostly dates,
 * amounts, labels). Text without any of he.escape's characters (" & ' < > `) is
 * returned as it is, which is what he.escape would return; everything else, SafeValue
 * included, still goes through edge.js's own escape.
 */
const NEEDS_ESCAPE = /["&'<>`]/
const escapeHtml = Template.prototype.escape
Template.prototype.escape = function (this: Template, input: unknown) {
  if (typeof input === 'string' && !NEEDS_ESCAPE.test(input)) return input
  if (typeof input === 'number') return String(input)
  return escapeHtml.call(this, input)
}
