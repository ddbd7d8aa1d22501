// Ticket page: „Einfügen“ puts the chosen saved reply (Textbaustein) into the reply
// where the cursor is (not on change: arrow keys in a select fire it on every step).
// Without JavaScript the button loads the page with ?saved_reply=ID and the server
// fills the reply in.
;(function () {
  'use strict'
  var select = document.querySelector('[data-saved-reply-select]')
  var body = document.querySelector('[data-reply-body]')
  if (!select || !body) return
  var form = select.form
  function insert() {
    var option = select.options[select.selectedIndex]
    var text = option && option.getAttribute('data-body')
    if (!text) return
    var start = body.selectionStart != null ? body.selectionStart : body.value.length
    var end = body.selectionEnd != null ? body.selectionEnd : body.value.length
    body.value = body.value.slice(0, start) + text + body.value.slice(end)
    body.focus()
    body.setSelectionRange(start + text.length, start + text.length)
    select.selectedIndex = 0
  }
  if (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault()
      insert()
    })
  }
})()
