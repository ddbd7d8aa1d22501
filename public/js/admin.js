// Admin area: a form whose action the browser's dialog confirmed (public/js/app.js)
// tells the server so; without JavaScript the server asks on a confirm page instead.
;(function () {
  'use strict'
  document.querySelectorAll('form[data-admin-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (event.defaultPrevented) return
      var field = form.querySelector('input[name="confirmed"]')
      if (field) field.value = '1'
    })
  })
})()
