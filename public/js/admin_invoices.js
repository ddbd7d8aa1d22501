// /admin/invoices: refreshes the run counts every few seconds while the page is open.
;(function () {
  'use strict'
  var table = document.querySelector('[data-invoice-runs]')
  if (!table || !window.fetch) return
  var url = table.getAttribute('data-status-url')

  function update(runs) {
    runs.forEach(function (run) {
      var row = table.querySelector('tr[data-period="' + run.period + '"]')
      if (!row) return
      ;['total', 'done', 'skipped', 'pending', 'failed'].forEach(function (field) {
        var cell = row.querySelector('[data-field="' + field + '"]')
        if (cell && cell.textContent !== String(run[field])) cell.textContent = String(run[field])
      })
      var status = row.querySelector('[data-field="status"]')
      if (status) {
        var labels = JSON.parse(status.getAttribute('data-labels') || '{}')
        status.textContent = labels[run.status] || run.status
      }
    })
  }

  function poll() {
    fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        return response.ok ? response.json() : []
      })
      .then(update)
      .catch(function () {})
      .finally(function () {
        if (!document.hidden) window.setTimeout(poll, 3000)
      })
  }
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) poll()
  })
  window.setTimeout(poll, 3000)
})()
