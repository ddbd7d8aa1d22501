import app from '@adonisjs/core/services/app'
import { defineConfig, loaders } from '@adonisjs/i18n'
import { CachedIcuFormatter } from '#services/i18n/cached_icu_formatter'

/* German first; English as the second language. Strings live in resources/lang/{de,en}. */
const i18nConfig = defineConfig({
  defaultLocale: 'de',
  supportedLocales: ['de', 'en'],
  fallbackLocales: { en: 'de' },
  /* the ICU formatter, with messages parsed once (app/services/i18n/cached_icu_formatter.ts) */
  formatter: () => new CachedIcuFormatter(),
  loaders: [loaders.fs({ location: app.languageFilesPath() })],
})

export default i18nConfig
