import { test } from '@japa/runner'
import type { Page } from 'playwright'
import { resetState } from '#tests/helpers/db'

/* What the ALTCHA widget says out of the box (its built-in English), in any of its states. */
const WIDGET_ENGLISH = [
  'Verifying',
  "I'm not a robot",
  'Verified',
  'Verification failed',
  'Verification expired',
  'Verification required',
  'Expired',
  'Loading',
  'Try again',
  'please wait',
  'Protected by',
  'Enter code',
  'audio challenge',
  'official website',
]

/** Every text a user or a screen reader meets: text nodes and labelling attributes, shadow roots included. */
function widgetTexts(page: Page, selector: string) {
  return page.evaluate((sel) => {
    const out: string[] = []
    const walk = (node: any) => {
      if (node.nodeType === 3) {
        if (node.textContent.trim()) out.push(node.textContent.trim())
        return
      }
      if (node.nodeType === 1) {
        if (['SCRIPT', 'STYLE', 'TEMPLATE'].includes(node.tagName)) return
        for (const name of ['aria-label', 'title', 'placeholder', 'alt'])
          if (node.getAttribute(name)) out.push(node.getAttribute(name))
        if (node.shadowRoot) walk(node.shadowRoot)
      }
      for (const child of node.childNodes) walk(child)
    }
    walk((globalThis as any).document.querySelector(sel))
    return out
  }, selector)
}

/** The widget in a given state: 'verifying', 'error', 'expired', 'unverified', 'verified'. */
async function showState(page: Page, state: string) {
  await page.evaluate((s) => {
    const widget = (globalThis as any).document.querySelector('altcha-widget')
    widget.setState(s, s === 'error' ? 'test' : null)
  }, state)
  await page.waitForFunction(
    (s) => (globalThis as any).document.querySelector('altcha-widget').getState() === s,
    state
  )
  /* the label and messages re-render after the state change */
  await page.waitForTimeout(50)
}

const englishIn = (texts: string[]) =>
  texts.filter((text) => WIDGET_ENGLISH.some((english) => text.includes(english)))

test.group('Third-party widget texts in the page language', (group) => {
  group.each.setup(() => resetState())

  for (const path of ['/forgot-password', '/contact']) {
    test(`German ${path}: the captcha widget speaks German in every state`, async ({
      assert,
      visit,
      browserContext,
    }) => {
      await browserContext.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9' })
      const page = await visit(path)

      /* the page as served: no widget English anywhere in its HTML */
      const html = await (await page.request.get(page.url())).text()
      assert.include(html, '<altcha-widget')
      assert.deepEqual(
        WIDGET_ENGLISH.filter((english) => html.includes(english)),
        [],
        'English widget text in the German HTML'
      )

      /* the widget solves on load and says so in German */
      await page.waitForFunction(
        () =>
          (globalThis as any).document.querySelector('altcha-widget')?.getState?.() === 'verified',
        undefined,
        { timeout: 30_000 }
      )
      const verified = await widgetTexts(page, 'altcha-widget')
      assert.include(verified, 'Bestätigt')
      assert.include(verified.join(' '), 'Geschützt durch')
      assert.deepEqual(englishIn(verified), [])

      const expected: Record<string, string> = {
        verifying: 'Wird geprüft …',
        error: 'Prüfung fehlgeschlagen. Bitte erneut versuchen.',
        expired: 'Abgelaufen. Bitte erneut bestätigen.',
        unverified: 'Ich bin ein echter Nutzer',
      }
      for (const [state, text] of Object.entries(expected)) {
        await showState(page, state)
        const texts = await widgetTexts(page, 'altcha-widget')
        assert.include(texts, text, `state ${state}`)
        assert.deepEqual(englishIn(texts), [], `state ${state}`)
      }

      /* every text the widget knows (its built-in English set) has a German one */
      const missing = await page.evaluate(() => {
        const registry = (globalThis as any).$altcha.i18n
        const english = registry.get('en') as Record<string, string>
        const german = (registry.get('de') ?? {}) as Record<string, string>
        return Object.keys(english).filter((key) => !german[key] || german[key] === english[key])
      })
      assert.deepEqual(missing, [], 'widget texts without a German version')
    })
  }

  test('English /contact: the widget uses our English texts, not its own', async ({
    assert,
    visit,
    browserContext,
  }) => {
    await browserContext.setExtraHTTPHeaders({ 'Accept-Language': 'en-GB,en;q=0.9' })
    const page = await visit('/contact')
    await page.waitForFunction(
      () =>
        (globalThis as any).document.querySelector('altcha-widget')?.getState?.() === 'verified',
      undefined,
      { timeout: 30_000 }
    )
    const texts = await widgetTexts(page, 'altcha-widget')
    assert.include(texts, 'Confirmed')
    assert.include(texts.join(' '), 'Secured by')
    await showState(page, 'unverified')
    assert.include(await widgetTexts(page, 'altcha-widget'), 'I am a real user')
  })
})
