import app from '@adonisjs/core/services/app'
import { defineConfig, formatters, loaders } from '@adonisjs/i18n'

/* German first; English as the second language. Strings live in resources/lang/{de,en}. */
const i18nConfig = defineConfig({
  defaultLocale: 'de',
  supportedLocales: ['de', 'en'],
  fallbackLocales: { en: 'de' },
  formatter: formatters.icu(),
  loaders: [loaders.fs({ location: app.languageFilesPath() })],
})

export default i18nConfig
