// Loads the self-hosted ALTCHA widget and registers its SHA worker (same origin, strict CSP).
import '/vendor/altcha/altcha.js'

globalThis.$altcha.algorithms.set('SHA-256', function () {
  return new Worker('/vendor/altcha/sha-worker.js')
})

// The widget only knows English: give it the page language's texts (from resources/lang, see
// partials/altcha.edge). Its text store is reactive, so this applies to widgets already on the page.
document.querySelectorAll('altcha-widget[data-strings][language]').forEach(function (widget) {
  try {
    globalThis.$altcha.i18n.set(widget.getAttribute('language'), JSON.parse(widget.dataset.strings))
  } catch (error) {
    console.error('altcha: unreadable data-strings', error)
  }
})
