// Loads the self-hosted ALTCHA widget and registers its SHA worker (same origin, strict CSP).
import '/vendor/altcha/altcha.js'

globalThis.$altcha.algorithms.set('SHA-256', function () {
  return new Worker('/vendor/altcha/sha-worker.js')
})
