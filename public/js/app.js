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

  // At a desk the transaction filter is always unfolded (transactions.css): its toggle is then
  // no tab stop that does nothing, and the disclosure says it is open
  var desk = window.matchMedia('(min-width: 641px)')
  document.querySelectorAll('.tx-filter__summary').forEach(function (summary) {
    function apply() {
      if (desk.matches) {
        summary.setAttribute('tabindex', '-1')
        summary.parentElement.open = true
      } else {
        summary.removeAttribute('tabindex')
      }
    }
    apply()
    desk.addEventListener('change', apply)
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
