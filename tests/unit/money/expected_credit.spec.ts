import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { BankCalendar, ExpectedCredit } from '#services/money/bank_calendar'

/** A closing at a Berlin wall-clock time. */
const at = (local: string) => DateTime.fromISO(local, { zone: 'Europe/Berlin' })

const nationwide = new ExpectedCredit(new BankCalendar(), '22:00')

test.group('Expected credit: girocard, next bank business day', () => {
  test('{closed} → {expected}')
    .with([
      /* an ordinary Tuesday → Wednesday */
      { closed: '2026-11-24T18:00', expected: '2026-11-25' },
      /* Friday → Monday (weekend) */
      { closed: '2026-11-27T18:00', expected: '2026-11-30' },
      /* Saturday and Sunday closings → Monday */
      { closed: '2026-11-28T12:00', expected: '2026-11-30' },
      { closed: '2026-11-29T12:00', expected: '2026-11-30' },
      /* Maundy Thursday → Tuesday after Easter (Good Friday, weekend, Easter Monday) */
      { closed: '2027-03-25T18:00', expected: '2027-03-30' },
      /* Tag der Deutschen Einheit (Saturday 3 Oct 2026) changes nothing: Fri → Mon */
      { closed: '2026-10-02T18:00', expected: '2026-10-05' },
      /* Thursday 30 April 2026 → Monday 4 May (1 May is a Friday) */
      { closed: '2026-04-30T18:00', expected: '2026-05-04' },
      /* Christmas: 23 Dec 2026 (Wed) → 28 Dec (24 bank holiday, 25/26 holidays, 27 Sunday) */
      { closed: '2026-12-23T18:00', expected: '2026-12-28' },
      /* year end: 30 Dec 2026 (Wed) → 4 Jan 2027 (31 Dec bank holiday, 1 Jan, weekend) */
      { closed: '2026-12-30T18:00', expected: '2027-01-04' },
    ])
    .run(({ assert }, { closed, expected }) => {
      assert.equal(nationwide.girocard(at(closed)), expected)
    })

  test('the cut-off time moves a late closing to the next day', ({ assert }) => {
    /* Tuesday 21:59 counts for Tuesday, 22:00 for Wednesday */
    assert.equal(nationwide.businessDate(at('2026-11-24T21:59')), '2026-11-24')
    assert.equal(nationwide.girocard(at('2026-11-24T21:59')), '2026-11-25')
    assert.equal(nationwide.businessDate(at('2026-11-24T22:00')), '2026-11-25')
    assert.equal(nationwide.girocard(at('2026-11-24T22:00')), '2026-11-26')
    /* a Friday after the cut-off counts for Saturday: still Monday */
    assert.equal(nationwide.girocard(at('2026-11-27T23:30')), '2026-11-30')
    /* New Year's Eve after the cut-off counts for 1 January 2027 (holiday) → Monday 4 Jan */
    assert.equal(nationwide.businessDate(at('2026-12-31T23:00')), '2027-01-01')
    assert.equal(nationwide.girocard(at('2026-12-31T23:00')), '2027-01-04')
    /* another cut-off */
    const early = new ExpectedCredit(new BankCalendar(), '18:00')
    assert.equal(early.girocard(at('2026-11-24T18:30')), '2026-11-26')
  })

  test('a time in UTC is judged by the Berlin clock', ({ assert }) => {
    /* 21:30 UTC in winter is 22:30 in Berlin: after the cut-off */
    const utc = DateTime.fromISO('2026-11-24T21:30:00Z', { zone: 'utc' })
    assert.equal(nationwide.businessDate(utc), '2026-11-25')
  })
})

test.group('Expected credit: Land-specific holidays', () => {
  test('Fronleichnam closes banks in Bavaria, not in Berlin', ({ assert }) => {
    /* Wednesday 26 May 2027, the day before Fronleichnam (Thursday 27 May) */
    const bavaria = new ExpectedCredit(new BankCalendar('BY'), '22:00')
    const berlin = new ExpectedCredit(new BankCalendar('BE'), '22:00')
    assert.equal(bavaria.girocard(at('2027-05-26T18:00')), '2027-05-28')
    assert.equal(berlin.girocard(at('2027-05-26T18:00')), '2027-05-27')
    assert.equal(nationwide.girocard(at('2027-05-26T18:00')), '2027-05-27')
  })

  test('the Reformation Day is a holiday in Saxony, not in Bavaria', ({ assert }) => {
    /* Friday 30 Oct 2026 → Monday 2 Nov either way; Thursday 30 Oct 2025 → Friday 31 or Monday 3 */
    const saxony = new ExpectedCredit(new BankCalendar('SN'), '22:00')
    const bavaria = new ExpectedCredit(new BankCalendar('BY'), '22:00')
    assert.equal(saxony.girocard(at('2025-10-30T18:00')), '2025-11-03')
    assert.equal(bavaria.girocard(at('2025-10-30T18:00')), '2025-10-31')
  })
})

test.group('Expected credit: card schemes', () => {
  test('daily rhythm: the second bank business day', ({ assert }) => {
    assert.equal(nationwide.schemes(at('2026-11-24T18:00'), 'daily'), '2026-11-26')
    assert.equal(nationwide.schemes(at('2026-11-26T18:00'), 'daily'), '2026-11-30')
    assert.equal(nationwide.schemes(at('2026-12-23T18:00'), 'daily'), '2026-12-29')
  })

  test('weekly rhythm: the Monday after the closing week, or the next business day', ({
    assert,
  }) => {
    assert.equal(nationwide.schemes(at('2026-11-23T09:00'), 'weekly'), '2026-11-30')
    assert.equal(nationwide.schemes(at('2026-11-29T20:00'), 'weekly'), '2026-11-30')
    /* Sunday after the cut-off counts for Monday: paid a week later */
    assert.equal(nationwide.schemes(at('2026-11-29T22:30'), 'weekly'), '2026-12-07')
    /* the Monday after is Easter Monday 2027 → Tuesday */
    assert.equal(nationwide.schemes(at('2027-03-24T18:00'), 'weekly'), '2027-03-30')
    /* across the year end */
    assert.equal(nationwide.schemes(at('2026-12-31T12:00'), 'weekly'), '2027-01-04')
  })
})

test.group('Bank calendar', () => {
  test('24 and 31 December are bank holidays; an ordinary weekday is not', ({ assert }) => {
    const calendar = new BankCalendar()
    assert.isFalse(calendar.isBusinessDay('2026-12-24'))
    assert.isFalse(calendar.isBusinessDay('2026-12-31'))
    assert.isFalse(calendar.isBusinessDay('2026-10-03'))
    assert.isTrue(calendar.isBusinessDay('2026-12-29'))
    assert.equal(calendar.onOrAfter('2026-12-24'), '2026-12-28')
    assert.equal(calendar.onOrAfter('2026-12-29'), '2026-12-29')
  })
})
