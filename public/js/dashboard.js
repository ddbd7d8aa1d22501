// Dashboard charts with chart.js (served from our origin). The same figures are in
// tables under each chart, so screen readers and visitors without JS lose nothing.
;(function () {
  'use strict'

  var holder = document.getElementById('dashboard-data')
  if (!holder || !window.Chart) return
  var data = JSON.parse(holder.getAttribute('data-chart'))
  var intlLocale = data.locale === 'en' ? 'en-GB' : 'de-DE'
  var money = new Intl.NumberFormat(intlLocale, { style: 'currency', currency: 'EUR' })
  var dayLabel = function (iso) {
    var parts = iso.split('-')
    return data.locale === 'en' ? parts[2] + '/' + parts[1] : parts[2] + '.' + parts[1] + '.'
  }
  var palette = ['#0b3d6b', '#0a6ebd', '#1e6b34', '#7a4a00', '#a4161a', '#4a5563', '#8a94a3']

  var daily = document.getElementById('chart-daily')
  if (daily) {
    new window.Chart(daily, {
      type: 'bar',
      data: {
        labels: data.days.map(dayLabel),
        datasets: [
          { label: data.labels.turnover, data: data.turnover, backgroundColor: '#0a6ebd' },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (context) {
                return money.format(context.parsed.y)
              },
            },
          },
        },
        scales: {
          y: {
            ticks: {
              callback: function (value) {
                return money.format(value)
              },
            },
          },
        },
      },
    })
    daily.setAttribute('data-chart-ready', 'true')
  }

  var brands = document.getElementById('chart-brands')
  if (brands && data.brands.length) {
    new window.Chart(brands, {
      type: 'doughnut',
      data: {
        labels: data.brands,
        datasets: [{ data: data.brandCounts, backgroundColor: palette }],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { position: 'bottom' } },
      },
    })
    brands.setAttribute('data-chart-ready', 'true')
  }
})()
