import { test } from '@japa/runner'
import User from '#models/user'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'

/*
| The account page's two alert switches (issue 16, point 5): a terminal without
| a Kassenschnitt, differences in closings or payouts. The alert job reads them
| (tests/functional/money/alerts.spec.ts).
*/

async function loggedIn(locale = 'de') {
  const merchant = await createMerchant({ locale })
  const agent = new Agent()
  await loginAs(agent, merchant.user.email, merchant.password)
  return { ...merchant, agent }
}

/** The checkbox input of a switch as the page renders it. */
const switchOf = (html: string, name: string) =>
  html.match(new RegExp(`<input[^>]*name="${name}"[^>]*>`))?.[0] ?? ''

test.group('Benutzerkonto / Benachrichtigungen', (group) => {
  group.each.setup(() => resetState())

  test('both switches are on by default, labelled, and save off and on again', async ({
    assert,
  }) => {
    const { agent, user } = await loggedIn()
    const page = await agent.get('/account')
    assert.equal(page.status, 200)
    assert.include(page.text, 'Benachrichtigungen')
    assert.include(
      page.text,
      '<label for="alert_unclosed">E-Mail bei Terminal ohne Kassenschnitt (5 Tage)</label>'
    )
    assert.include(
      page.text,
      '<label for="alert_differences">E-Mail bei Differenzen in Kassenschnitten oder Auszahlungen</label>'
    )
    assert.include(switchOf(page.text, 'alert_unclosed'), 'checked')
    assert.include(switchOf(page.text, 'alert_differences'), 'checked')

    /* an unchecked box is not sent: off */
    const off = await agent.post(
      '/account/alerts',
      { alert_differences: '1' },
      { csrfFrom: '/account' }
    )
    assert.equal(off.status, 302)
    assert.equal(off.location, '/account#alerts')
    const after = await agent.follow(off)
    assert.include(after.text, 'Ihre Benachrichtigungen wurden gespeichert.')
    assert.notInclude(switchOf(after.text, 'alert_unclosed'), 'checked')
    assert.include(switchOf(after.text, 'alert_differences'), 'checked')
    await user.refresh()
    assert.isFalse(user.alertUnclosed)
    assert.isTrue(user.alertDifferences)

    await agent.post('/account/alerts', {}, { csrfFrom: '/account' })
    await user.refresh()
    assert.isFalse(user.alertUnclosed)
    assert.isFalse(user.alertDifferences)

    const on = await agent.post(
      '/account/alerts',
      { alert_unclosed: '1', alert_differences: '1' },
      { csrfFrom: '/account' }
    )
    const page2 = await agent.follow(on)
    assert.include(switchOf(page2.text, 'alert_unclosed'), 'checked')
    assert.include(switchOf(page2.text, 'alert_differences'), 'checked')
    await user.refresh()
    assert.isTrue(user.alertUnclosed)
    assert.isTrue(user.alertDifferences)
  })

  test('in English', async ({ assert }) => {
    const { agent } = await loggedIn('en')
    const page = await agent.get('/account')
    assert.include(page.text, 'Notifications')
    assert.include(page.text, 'E-mail when a terminal has had no end-of-day closing (5 days)')
    assert.include(page.text, 'E-mail about differences in closings or payouts')
    const saved = await agent.follow(
      await agent.post('/account/alerts', { alert_unclosed: '1' }, { csrfFrom: '/account' })
    )
    assert.include(saved.text, 'Your notifications have been saved.')
  })

  test('needs the CSRF token and a login; a malformed value changes nothing', async ({
    assert,
  }) => {
    const { agent, user } = await loggedIn()
    const forged = await agent.postWithoutCsrf('/account/alerts', {})
    assert.notEqual(forged.location, '/account#alerts')
    assert.isAtLeast(forged.status, 300)
    await user.refresh()
    assert.isTrue(user.alertUnclosed)
    assert.isTrue(user.alertDifferences)

    const bad = await agent.post(
      '/account/alerts',
      { alert_unclosed: 'vielleicht' },
      { csrfFrom: '/account' }
    )
    assert.equal(bad.status, 302)
    assert.match(bad.location ?? '', /^\/account#alerts$/)
    const fresh = await User.findOrFail(user.id)
    assert.isTrue(fresh.alertUnclosed)
    assert.isTrue(fresh.alertDifferences)

    const anonymous = await new Agent().postWithoutCsrf('/account/alerts', {})
    assert.notEqual(anonymous.location, '/account#alerts')
    assert.isTrue((await User.findOrFail(user.id)).alertDifferences)
  })
})
