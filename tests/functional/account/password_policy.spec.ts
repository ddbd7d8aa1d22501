import { test } from '@japa/runner'
import { PasswordPolicy } from '#services/account/password_policy'

const context = { email: 'erika.mustermann@example.com', customerNumbers: ['L1000001'] }

test.group('Passwortregeln', () => {
  test('length: 12 to 256 characters, counted as characters, not bytes', ({ assert }) => {
    assert.equal(PasswordPolicy.check('Abcdef-ghi1', context), 'too_short')
    assert.isNull(PasswordPolicy.check('Größenwahn-Ölfass-Übermut', context))
    assert.equal(
      PasswordPolicy.check('ÄÖÜäöüß€Zeb', context),
      'too_short',
      '11 characters, 20+ bytes'
    )
    const long = 'Wolken ziehen über den Feldberg im Taunus; '.repeat(6).slice(0, 256)
    assert.isNull(PasswordPolicy.check(long, context))
    assert.equal(PasswordPolicy.check(long + 'x', context), 'too_long')
  })

  test('common, dictionary and pattern passwords are weak (German and English)', ({ assert }) => {
    for (const weak of [
      'Passwort123456',
      'password1234',
      'qwertzuiop123',
      'aaaaaaaaaaaaaaaa',
      'Schmetterling1',
    ]) {
      assert.equal(PasswordPolicy.check(weak, context), 'weak', weak)
    }
  })

  test('the e-mail local part and customer numbers are refused in any case or spacing', ({
    assert,
  }) => {
    assert.equal(
      PasswordPolicy.check('ERIKA.MUSTERMANN-hat-Geheimnisse', context),
      'contains_email'
    )
    assert.equal(
      PasswordPolicy.check('Laden l1000001 am Markt 7', context),
      'contains_customer_number'
    )
    assert.equal(
      PasswordPolicy.check('Laden L 1000 001 am Markt 7', context),
      'contains_customer_number'
    )
  })

  test('a long passphrase passes quickly', ({ assert }) => {
    const phrase =
      'Im Sommer fahren wir mit dem Rad an den Main und essen Handkäs mit Musik am Ufer, 2026!'
    PasswordPolicy.check('warm-up-the-dictionaries-1', context)
    const started = performance.now()
    assert.isNull(PasswordPolicy.check(phrase, context))
    assert.isBelow(performance.now() - started, 1000)
  })
})
