import { test } from '@japa/runner'
import { dateInputFormat, formatDateInput, parseDateInput } from '#services/format/dates'

test.group('Typed dates (German: TT.MM.JJJJ)', () => {
  test('TT.MM.JJJJ and the short forms become ISO', ({ assert }) => {
    assert.deepEqual(parseDateInput('06.05.2026'), { ok: true, iso: '2026-05-06' })
    assert.deepEqual(parseDateInput('6.5.2026'), { ok: true, iso: '2026-05-06' })
    assert.deepEqual(parseDateInput(' 31.12.26 '), { ok: true, iso: '2026-12-31' })
    assert.deepEqual(parseDateInput('29.02.2028'), { ok: true, iso: '2028-02-29' })
  })

  test('a day that does not exist is told apart from a malformed value', ({ assert }) => {
    assert.deepEqual(parseDateInput('31.02.2026'), { ok: false, reason: 'impossible' })
    assert.deepEqual(parseDateInput('29.02.2026'), { ok: false, reason: 'impossible' })
    assert.deepEqual(parseDateInput('01.13.2026'), { ok: false, reason: 'impossible' })
    assert.deepEqual(parseDateInput('00.05.2026'), { ok: false, reason: 'impossible' })
    assert.deepEqual(parseDateInput('6. Mai 2026'), { ok: false, reason: 'format' })
    assert.deepEqual(parseDateInput('06.05/2026'), { ok: false, reason: 'format' })
    assert.deepEqual(parseDateInput('06.05.202'), { ok: false, reason: 'format' })
    assert.deepEqual(parseDateInput(''), { ok: false, reason: 'format' })
  })

  test('shown as TT.MM.JJJJ', ({ assert }) => {
    assert.equal(dateInputFormat('de'), 'dd.MM.yyyy')
    assert.equal(formatDateInput('2026-05-06', 'de'), '06.05.2026')
    /* what is not an ISO date is shown as typed, so it can be corrected */
    assert.equal(formatDateInput('31.02.2026', 'de'), '31.02.2026')
    assert.equal(formatDateInput(undefined, 'de'), '')
  })
})

test.group('Typed dates (English: DD/MM/YYYY, day first as en-GB)', () => {
  test('DD/MM/YYYY becomes ISO, day first', ({ assert }) => {
    assert.deepEqual(parseDateInput('06/05/2026'), { ok: true, iso: '2026-05-06' })
    assert.deepEqual(parseDateInput('6/5/2026'), { ok: true, iso: '2026-05-06' })
    assert.deepEqual(parseDateInput('25/12/2026'), { ok: true, iso: '2026-12-25' })
  })

  test('an impossible date is refused, also month-first input past the 12th', ({ assert }) => {
    assert.deepEqual(parseDateInput('31/02/2026'), { ok: false, reason: 'impossible' })
    assert.deepEqual(parseDateInput('12/25/2026'), { ok: false, reason: 'impossible' })
    assert.deepEqual(parseDateInput('May 6, 2026'), { ok: false, reason: 'format' })
  })

  test('shown as DD/MM/YYYY', ({ assert }) => {
    assert.equal(dateInputFormat('en'), 'dd/MM/yyyy')
    assert.equal(formatDateInput('2026-05-06', 'en'), '06/05/2026')
  })
})

test.group('Dates in the URL (ISO)', () => {
  test('ISO is read in either language and checked for existence', ({ assert }) => {
    assert.deepEqual(parseDateInput('2026-05-06'), { ok: true, iso: '2026-05-06' })
    assert.deepEqual(parseDateInput('2026-02-31'), { ok: false, reason: 'impossible' })
    assert.deepEqual(parseDateInput('2026-13-45'), { ok: false, reason: 'impossible' })
    assert.deepEqual(parseDateInput('2026-5-6'), { ok: false, reason: 'format' })
  })
})
