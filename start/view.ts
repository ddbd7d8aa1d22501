/*
| Globals every edge template (pages, mails, PDFs) may use.
*/
import edge from 'edge.js'
import operator from '#config/operator'
import { appUrl, demoMode } from '#config/app'
import { formatDate, formatDateTime, formatMoney, formatNumber } from '#services/format/formatters'

edge.global('operator', operator)
edge.global('appUrl', appUrl)
edge.global('demoMode', demoMode)
edge.global('formatMoney', formatMoney)
edge.global('formatDateTime', formatDateTime)
edge.global('formatDate', formatDate)
edge.global('formatNumber', formatNumber)
