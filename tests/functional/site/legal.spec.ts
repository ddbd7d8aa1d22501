import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import { urlFor } from '@adonisjs/core/services/url_builder'
import i18nManager from '@adonisjs/i18n/services/main'
import operator from '#config/operator'
import { loadTermsText } from '#services/site/terms_text'
import { Agent } from '#tests/helpers/agent'

const LANGUAGES = { de: 'de-DE,de;q=0.9', en: 'en-US,en;q=0.9' } as const
type Locale = keyof typeof LANGUAGES
type Page =
  'legal.imprint' | 'legal.privacy' | 'legal.terms' | 'legal.accessibility' | 'account.login'

/** The page as a reader sees it: no tags, entities decoded, spaces collapsed. */
function visible(html: string) {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code) => String.fromCodePoint(Number.parseInt(code, 16)))
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
    .replace(/\s+/g, ' ')
}

async function open(route: Page, locale: Locale) {
  const page = await new Agent({ 'accept-language': LANGUAGES[locale] }).get(urlFor(route))
  return { status: page.status, html: page.text, text: visible(page.text) }
}

/** The `<a>` elements of the page footer: href and visible name. */
function footerLinks(html: string) {
  const footer = /<footer[\s\S]*?<\/footer>/.exec(html)?.[0] ?? ''
  return [...footer.matchAll(/<a [^>]*href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/g)].map((match) => ({
    href: match[1],
    name: visible(match[2]).trim(),
  }))
}

test.group('Legal pages', () => {
  test('every legal page answers in German and English with its own title', async ({ assert }) => {
    const titles = {
      'legal.imprint': { de: 'Impressum', en: 'Legal notice' },
      'legal.privacy': { de: 'Datenschutzerklärung', en: 'Privacy notice' },
      'legal.terms': { de: 'Allgemeine Geschäftsbedingungen', en: 'Terms and conditions' },
      'legal.accessibility': {
        de: 'Erklärung zur Barrierefreiheit',
        en: 'Accessibility statement',
      },
    }
    for (const [route, title] of Object.entries(titles) as [Page, Record<Locale, string>][]) {
      for (const locale of ['de', 'en'] as const) {
        const page = await open(route, locale)
        assert.equal(page.status, 200, `${route} ${locale}`)
        assert.include(page.html, `<html lang="${locale}">`)
        assert.match(page.html, new RegExp(`<h1>${title[locale]}</h1>`))
        assert.include(page.html, `<title>${title[locale]}`)
      }
    }
    assert.equal(urlFor('legal.accessibility'), '/barrierefreiheit')
  })

  test('the Impressum shows the § 5 DDG details from the operator configuration', async ({
    assert,
  }) => {
    for (const locale of ['de', 'en'] as const) {
      const { text, html } = await open('legal.imprint', locale)
      for (const value of [
        operator.name,
        operator.legalForm,
        operator.street,
        `${operator.postalCode} ${operator.city}`,
        operator.managingDirectors,
        operator.registerCourt,
        operator.registerNumber,
        operator.vatId,
        operator.email,
        operator.supportPhone,
        operator.supervisoryAuthority,
      ]) {
        assert.include(text, value, `${locale}: ${value}`)
      }
      assert.include(html, `href="mailto:${operator.email}"`)
      assert.include(html, `href="${urlFor('contact.show')}"`)
    }
    assert.include((await open('legal.imprint', 'de')).text, '§ 5 Digitale-Dienste-Gesetz')
    assert.include((await open('legal.imprint', 'en')).text, 'Register court')
  })

  test('the Datenschutzerklärung names controller, DPO, legal bases and the configured retention periods', async ({
    assert,
  }) => {
    const { retention } = operator
    const periods = {
      de: [
        `${retention.auditLogMonths} Monate`,
        `${retention.serverLogDays} Tage`,
        `${retention.ticketMonths} Monate`,
        `${retention.accountMonths} Monate`,
        `${retention.invoiceYears} Jahre`,
      ],
      en: [
        `${retention.auditLogMonths} months`,
        `${retention.serverLogDays} days`,
        `${retention.ticketMonths} months`,
        `${retention.accountMonths} months`,
        `${retention.invoiceYears} years`,
      ],
    }
    for (const locale of ['de', 'en'] as const) {
      const { text } = await open('legal.privacy', locale)
      for (const value of [
        operator.name,
        operator.street,
        operator.privacy.dpoEmail,
        operator.privacy.authority,
        operator.privacy.hostingProvider,
        operator.privacy.mailProvider,
        ...periods[locale],
      ]) {
        assert.include(text, value, `${locale}: ${value}`)
      }
    }

    const german = (await open('legal.privacy', 'de')).text
    for (const phrase of [
      'Audit-Protokoll (sicherheitsrelevante Vorgänge): 12 Monate',
      'Rechnungen und die ihnen zugrunde liegenden Transaktionsdaten: 10 Jahre',
      '§ 147 Abgabenordnung',
      'Art. 6 Abs. 1 lit. b DSGVO',
      'Art. 6 Abs. 1 lit. c DSGVO',
      'Art. 6 Abs. 1 lit. f DSGVO',
      'Art. 77 DSGVO',
      'Art. 21 DSGVO',
      'Keine Übermittlung in Drittländer',
      'nur technisch notwendige Cookies',
      'kp_locale',
    ]) {
      assert.include(german, phrase)
    }
    assert.include((await open('legal.privacy', 'en')).text, 'No transfer to third countries')
  })

  test('retention periods use real plural forms', async ({ assert }) => {
    const de = i18nManager.locale('de')
    const en = i18nManager.locale('en')
    assert.equal(de.t('legal.retention.months', { count: 1 }), '1 Monat')
    assert.equal(de.t('legal.retention.years', { count: 10 }), '10 Jahre')
    assert.equal(en.t('legal.retention.days', { count: 1 }), '1 day')
    assert.equal(en.t('legal.retention.days', { count: 14 }), '14 days')
  })

  test('without a terms file the AGB page is a clearly marked placeholder', async ({ assert }) => {
    const german = await open('legal.terms', 'de')
    assert.include(german.text, 'Platzhalter: Hier stehen die AGB des Betreibers')
    assert.include(german.text, 'OPERATOR_TERMS_FILE')
    const english = await open('legal.terms', 'en')
    assert.include(english.text, "Placeholder: the operator's terms and conditions go here")
  })

  test('a terms file is read per language, Markdown escaped, English falling back to German', async ({
    assert,
  }) => {
    const dir = 'tmp/legal-spec'
    await mkdir(dir, { recursive: true })
    try {
      await writeFile(
        `${dir}/agb.de.md`,
        '# § 1 Geltung\n\nGilt für <alle> Händler.\n\n- eins\n- zwei\n'
      )
      const german = await loadTermsText('de', `${dir}/agb.{locale}.md`)
      assert.deepEqual(german, {
        locale: 'de',
        html: '<h2>§ 1 Geltung</h2>\n<p>Gilt für &lt;alle&gt; Händler.</p>\n<ul><li>eins</li><li>zwei</li></ul>',
      })
      assert.equal((await loadTermsText('en', `${dir}/agb.{locale}.md`))?.locale, 'de')

      await writeFile(`${dir}/agb.en.html`, '<h2>Scope</h2><p>For <em>all</em> merchants.</p>')
      await writeFile(`${dir}/agb.de.html`, '<h2>Geltung</h2>')
      assert.deepEqual(await loadTermsText('en', `${dir}/agb.{locale}.html`), {
        locale: 'en',
        html: '<h2>Scope</h2><p>For <em>all</em> merchants.</p>',
      })
      assert.isNull(await loadTermsText('de', null))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('the accessibility statement names the standard, limitations, feedback and the MLBF', async ({
    assert,
  }) => {
    const german = await open('legal.accessibility', 'de')
    for (const phrase of [
      'WCAG) 2.1 auf Stufe AA',
      'Bekannte Einschränkungen',
      'Marktüberwachungsstelle der Länder für die Barrierefreiheit von Produkten und Dienstleistungen (MLBF)',
      operator.accessibility.authorityContact,
      operator.email,
      operator.supportPhone,
      'Barriere über das Kontaktformular melden',
      '28.06.2025',
      /* the forms that really have the real-user check */
      'Sicherheitsprüfung „echter Nutzer“ bei „Passwort vergessen“ und im Kontaktformular',
    ]) {
      assert.include(german.text, phrase)
    }
    assert.include(german.html, `href="${urlFor('contact.show')}"`)
    assert.include(german.html, `href="mailto:${operator.email}"`)

    const english = await open('legal.accessibility', 'en')
    for (const phrase of [
      'WCAG) 2.1 at level AA',
      'Known limitations',
      'Report a barrier through the contact form',
      'MLBF',
      '28/06/2025',
    ]) {
      assert.include(english.text, phrase)
    }
  })

  test('the operator’s bank account and tax number come from the configuration, checked at start', async ({
    assert,
  }) => {
    const run = (extra: Record<string, string>) =>
      new Promise<{ code: number; output: string }>((resolve) => {
        execFile(
          process.execPath,
          ['ace', 'list', '--no-ansi'],
          { cwd: app.makePath(), env: { ...process.env, ...extra } },
          (error, stdout, stderr) =>
            resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr })
        )
      })
    const wrong = await run({ OPERATOR_IBAN: 'DE89 3704 0044 0532 0130 01' })
    assert.notEqual(wrong.code, 0)
    assert.include(wrong.output, 'OPERATOR_IBAN')
    assert.include(wrong.output, 'not a valid IBAN')
    const badBic = await run({ OPERATOR_BIC: 'COBA' })
    assert.include(badBic.output, 'OPERATOR_BIC')
    const good = await run({
      OPERATOR_IBAN: 'DE02 1203 0000 0000 2020 51',
      OPERATOR_BIC: 'BYLADEM1001',
    })
    assert.equal(good.code, 0, good.output)
  })

  test('the footer of the login page links all four legal pages, by name', async ({ assert }) => {
    const expected = {
      de: ['Impressum', 'Datenschutz', 'AGB', 'Barrierefreiheit'],
      en: ['Legal notice', 'Privacy', 'Terms', 'Accessibility'],
    }
    const routes: Page[] = ['legal.imprint', 'legal.privacy', 'legal.terms', 'legal.accessibility']
    for (const locale of ['de', 'en'] as const) {
      const login = await open('account.login', locale)
      assert.equal(login.status, 200)
      const links = footerLinks(login.html)
      routes.forEach((route, index) => {
        const link = links.find((candidate) => candidate.href === urlFor(route))
        assert.exists(link, `${locale}: footer link to ${route}`)
        assert.equal(link!.name, expected[locale][index])
      })
    }
  })
})
