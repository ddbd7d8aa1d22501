import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { duePeriods, periodFromKey, previousPeriod } from '#services/reports/report_periods'

const berlin = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Berlin' })

test.group('Report periods', () => {
  test('a run reports yesterday, last ISO week on Mondays and last month on the 1st', ({
    assert,
  }) => {
    assert.deepEqual(
      duePeriods(berlin('2026-06-01T06:00')).map((period) => [period.key, period.from, period.to]),
      [
        ['day-2026-05-31', '2026-05-31', '2026-05-31'],
        ['week-2026-W22', '2026-05-25', '2026-05-31'],
        ['month-2026-05', '2026-05-01', '2026-05-31'],
      ]
    )
    assert.deepEqual(
      duePeriods(berlin('2026-06-03T06:00')).map((period) => period.key),
      ['day-2026-06-02']
    )
  })

  test('Berlin days, not UTC: 00:30 on a Monday in Berlin is still Sunday in UTC', ({ assert }) => {
    const at = DateTime.fromISO('2026-06-07T22:30:00Z')
    assert.deepEqual(
      duePeriods(at).map((period) => period.key),
      ['day-2026-06-07', 'week-2026-W23']
    )
  })

  test('the ISO week across the turn of the year and keys read back', ({ assert }) => {
    const week = previousPeriod('weekly', berlin('2027-01-04T06:00'))
    assert.deepEqual([week.key, week.from, week.to], ['week-2026-W53', '2026-12-28', '2027-01-03'])
    for (const period of [
      week,
      previousPeriod('daily', berlin('2026-03-30T06:00')),
      previousPeriod('monthly', berlin('2026-03-01T06:00')),
    ]) {
      assert.deepEqual(periodFromKey(period.key), period)
    }
    assert.isNull(periodFromKey('week-2026-W99'))
    assert.isNull(periodFromKey('year-2026'))
  })
})
