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
  /* Colours (WCAG 1.4.11): every bar and segment >= 5:1 against the white card; the brands
     differ by a pattern too and the legend names each one with its count and share, so colour
     never carries the meaning alone (and the table under the chart has the same figures). */
  var palette = ['#0b3d6b', '#0864ad', '#1e6b34', '#8a5a00', '#a4161a', '#6b3fa0', '#5b6b7d']
  var tickColor = '#4a5563'
  var pattern = function (color, index) {
    var tile = document.createElement('canvas')
    tile.width = tile.height = 10
    var g = tile.getContext('2d')
    g.fillStyle = color
    g.fillRect(0, 0, 10, 10)
    g.fillStyle = g.strokeStyle = 'rgba(255, 255, 255, 0.8)'
    g.lineWidth = 2
    var kind = index % 6
    if (kind === 1) g.fillRect(0, 4, 10, 2) /* horizontal stripes */
    if (kind === 2) g.fillRect(4, 0, 2, 10) /* vertical stripes */
    if (kind === 3) g.fillRect(3, 3, 4, 4) /* dots */
    if (kind === 4 || kind === 5) {
      g.beginPath() /* diagonal stripes, crossed for 5 */
      g.moveTo(0, 10)
      g.lineTo(10, 0)
      if (kind === 5) {
        g.moveTo(0, 0)
        g.lineTo(10, 10)
      }
      g.stroke()
    }
    return g.createPattern(tile, 'repeat')
  }

  var daily = document.getElementById('chart-daily')
  if (daily) {
    new window.Chart(daily, {
      type: 'bar',
      data: {
        labels: data.days.map(dayLabel),
        datasets: [
          { label: data.labels.turnover, data: data.turnover, backgroundColor: palette[1] },
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
          x: { ticks: { color: tickColor } },
          y: {
            ticks: {
              color: tickColor,
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
    var total = data.brandCounts.reduce(function (sum, n) {
      return sum + n
    }, 0)
    var count = new Intl.NumberFormat(intlLocale)
    var share = new Intl.NumberFormat(intlLocale, { style: 'percent', maximumFractionDigits: 0 })
    /* "Visa: 12 (40 %)": the legend and tooltip name each segment with its figures */
    var brandLabels = data.brands.map(function (name, i) {
      var n = data.brandCounts[i]
      return name + ': ' + count.format(n) + ' (' + share.format(total ? n / total : 0) + ')'
    })
    new window.Chart(brands, {
      type: 'doughnut',
      data: {
        labels: brandLabels,
        datasets: [
          {
            data: data.brandCounts,
            backgroundColor: data.brands.map(function (_, i) {
              return pattern(palette[i % palette.length], i)
            }),
            borderColor: '#fff',
            borderWidth: 2,
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: {
          legend: { position: 'bottom', labels: { color: tickColor } },
          tooltip: {
            callbacks: {
              label: function (context) {
                return brandLabels[context.dataIndex]
              },
            },
          },
        },
      },
    })
    brands.setAttribute('data-chart-ready', 'true')
  }
})()
