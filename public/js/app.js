// Kundenportal: small progressive enhancements. Every page works without this file.
;(function () {
  'use strict'

  // Phone navigation toggle
  document.querySelectorAll('[data-nav-toggle]').forEach(function (button) {
    var nav = document.getElementById(button.getAttribute('aria-controls'))
    if (!nav) return
    button.addEventListener('click', function () {
      var open = nav.classList.toggle('is-open')
      button.setAttribute('aria-expanded', open ? 'true' : 'false')
    })
  })

  // Forms that ask for confirmation before a consequential action
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.getAttribute('data-confirm'))) event.preventDefault()
    })
  })

  // Selects that submit their form on change (with a visible submit button as fallback)
  document.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
    select.addEventListener('change', function () {
      if (select.form) select.form.submit()
    })
  })
})()
