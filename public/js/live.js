// Live transactions: new matching rows appear at the top, highlighted, without a reload.
// The page works without this file; it only adds rows. Transport: transmit's SSE stream
// (/__transmit/events) plus a subscribe POST per customer channel (CSRF via X-CSRF-TOKEN,
// the page's token in data-csrf).
;(function () {
  'use strict'

  var body = document.getElementById('transaction-rows')
  if (!body || !body.dataset.liveUrl || !window.EventSource || !window.fetch) return

  var channels = JSON.parse(body.dataset.liveChannels || '[]')
  var since = Number(body.dataset.liveSince || 0)
  var max = Number(body.dataset.liveMax || 50)
  var url = body.dataset.liveUrl
  var status = document.getElementById('live-status')
  var uid =
    window.crypto && window.crypto.randomUUID
      ? window.crypto.randomUUID()
      : String(Date.now()) + Math.random().toString(16).slice(2)
  var busy = false
  var again = false

  var csrf = body.dataset.csrf || ''

  function subscribe(channel) {
    return fetch('/__transmit/subscribe', {
      method: 'POST',
      credentials: 'same-origin',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': csrf },
      body: JSON.stringify({ uid: uid, channel: channel }),
    }).then(function (response) {
      return response.status === 204 || response.status === 200
    })
  }

  function insert(html) {
    var template = document.createElement('template')
    template.innerHTML = html.trim()
    var rows = Array.prototype.slice.call(template.content.querySelectorAll('tr[data-id]'))
    var added = 0
    // the server sends newest first; insert oldest first so the newest ends on top
    rows.reverse().forEach(function (row) {
      var id = Number(row.getAttribute('data-id'))
      if (id > since) since = id
      if (body.querySelector('tr[data-id="' + id + '"]')) return
      row.classList.add('is-new')
      body.insertBefore(row, body.firstChild)
      added++
    })
    while (body.rows.length > max) body.deleteRow(body.rows.length - 1)
    if (added) {
      var empty = document.getElementById('transaction-empty')
      if (empty) empty.remove()
      if (status) status.textContent = announcement(added)
    }
  }

  // the plural forms come rendered for 1 and for 99 (ICU in the lang files); German and
  // English have just these two
  function announcement(count) {
    var one = status.getAttribute('data-one') || ''
    var other = status.getAttribute('data-other') || ''
    return count === 1 ? one : other.replace('99', String(count))
  }

  function load() {
    var separator = url.indexOf('?') === -1 ? '?' : '&'
    return fetch(url + separator + 'since=' + since, {
      credentials: 'same-origin',
      headers: { Accept: 'text/html' },
    })
      .then(function (response) {
        if (response.status === 200) return response.text().then(insert)
      })
      .catch(function () {})
  }

  // at most one fetch in flight; events arriving meanwhile trigger one more
  function refresh() {
    if (busy) {
      again = true
      return
    }
    busy = true
    load().then(function () {
      busy = false
      if (again) {
        again = false
        refresh()
      }
    })
  }

  var source = new EventSource('/__transmit/events?uid=' + encodeURIComponent(uid))
  // (re)subscribe on every (re)connect: subscriptions live with the server's stream
  source.addEventListener('open', function () {
    Promise.all(channels.map(subscribe)).then(function (results) {
      body.setAttribute('data-live-ready', results.every(Boolean) ? 'true' : 'false')
      refresh()
    })
  })
  source.addEventListener('message', function (event) {
    var message
    try {
      message = JSON.parse(event.data)
    } catch (error) {
      return
    }
    if (message && channels.indexOf(message.channel) !== -1) refresh()
  })
  window.addEventListener('pagehide', function () {
    source.close()
  })
})()
