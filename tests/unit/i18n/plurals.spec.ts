import { readdirSync, readFileSync } from 'node:fs'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import i18nManager from '@adonisjs/i18n/services/main'

const t = (locale: 'de' | 'en', key: string, data: Record<string, unknown>) =>
  i18nManager.locale(locale).t(key, data)

/** Every message of a lang folder, as `file.key.path` → text. */
function messages(locale: string) {
  const out: Record<string, string> = {}
  const walk = (prefix: string, node: unknown) => {
    if (typeof node === 'string') out[prefix] = node
    else if (node && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) walk(`${prefix}.${key}`, value)
  }
  const folder = app.languageFilesPath(locale)
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.json')))
    walk(file.replace(/\.json$/, ''), JSON.parse(readFileSync(`${folder}/${file}`, 'utf8')))
  return out
}

test.group('i18n / plural forms', () => {
  test('new transactions (live feed) in German: {count}')
    .with([
      { count: 0, text: '0 neue Transaktionen' },
      { count: 1, text: '1 neue Transaktion' },
      { count: 2, text: '2 neue Transaktionen' },
      { count: 5, text: '5 neue Transaktionen' },
    ])
    .run(({ assert }, { count, text }) => {
      assert.equal(t('de', 'transactions.live_new', { count }), text)
    })

  test('new transactions (live feed) in English: {count}')
    .with([
      { count: 0, text: '0 new transactions' },
      { count: 1, text: '1 new transaction' },
      { count: 2, text: '2 new transactions' },
      { count: 5, text: '5 new transactions' },
    ])
    .run(({ assert }, { count, text }) => {
      assert.equal(t('en', 'transactions.live_new', { count }), text)
    })

  test('admin search results: {count}')
    .with([
      { count: 0, de: 'Keine Treffer', en: 'No results' },
      { count: 1, de: '1 Treffer', en: '1 result' },
      { count: 2, de: '2 Treffer', en: '2 results' },
      { count: 5, de: '5 Treffer', en: '5 results' },
    ])
    .run(({ assert }, { count, de, en }) => {
      assert.equal(t('de', 'admin.results', { count }), de)
      assert.equal(t('en', 'admin.results', { count }), en)
    })

  test('recovery codes left after a staff login: {count}')
    .with([
      { count: 0, de: 'Es ist keiner mehr übrig.', en: 'None is left.' },
      { count: 1, de: 'Es bleibt noch einer.', en: '1 is left.' },
      { count: 2, de: 'Es bleiben noch 2.', en: '2 are left.' },
      { count: 5, de: 'Es bleiben noch 5.', en: '5 are left.' },
    ])
    .run(({ assert }, { count, de, en }) => {
      assert.include(t('de', 'admin.totp.recovery_used', { count }), de)
      assert.include(t('en', 'admin.totp.recovery_used', { count }), en)
    })

  test('export limit and payment terms agree with their number', ({ assert }) => {
    assert.include(t('de', 'transactions.export_too_long', { months: 1 }), 'höchstens 1 Monat.')
    assert.include(t('de', 'transactions.export_too_long', { months: 12 }), 'höchstens 12 Monate.')
    assert.include(t('en', 'transactions.export_too_long', { months: 1 }), 'at most 1 month.')
    assert.include(t('en', 'transactions.export_too_long', { months: 12 }), 'at most 12 months.')

    const terms = { date: '15.11.2026', number: 'R-1' }
    assert.include(t('de', 'invoices.pdf.payment_terms', { ...terms, days: 1 }), 'von 1 Tag bis')
    assert.include(
      t('de', 'invoices.pdf.payment_terms', { ...terms, days: 14 }),
      'von 14 Tagen bis'
    )
    assert.include(t('en', 'invoices.pdf.payment_terms', { ...terms, days: 1 }), 'within 1 day by')
    assert.include(
      t('en', 'invoices.pdf.payment_terms', { ...terms, days: 14 }),
      'within 14 days by'
    )
  })

  test('no message in {locale} fakes a plural with „(en)“, „(n)“ or "(s)"')
    .with([{ locale: 'de' }, { locale: 'en' }])
    .run(({ assert }, { locale }) => {
      const faked = Object.entries(messages(locale)).filter(([, text]) =>
        /\p{L}\((?:e|en|n|s|es|r|er)\)/u.test(text)
      )
      assert.deepEqual(faked, [])
    })
})
