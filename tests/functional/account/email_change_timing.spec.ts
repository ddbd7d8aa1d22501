import { test } from '@japa/runner'
import User from '#models/user'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { budgets } from '#services/security/rate_limits'

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/**
 * What the account page tells after the change — the flash message and the
 * e-mail section — minus the address itself and the CSRF token.
 */
const pageShape = (html: string, address: string) =>
  [
    html.match(/<div class="alert[^>]*>[^<]*<\/div>/g)?.join('') ?? '',
    html.match(/<section[^>]*id="email"[\s\S]*?<\/section>/)?.[0] ?? '',
  ]
    .join('\n')
    .replaceAll(address, '<address>')
    .replace(/value=["'][^"']*["']/g, '')

test.group('E-Mail-Adresse ändern: Antwort und Antwortzeit', (group) => {
  group.each.setup(() => resetState())

  test('a free and a taken address get the same page and take the same time (medians within 25 %)', async ({
    assert,
  }) => {
    const taken = (await createMerchant({ email: 'vergeben@example.com' })).user.email
    const { user, password } = await createMerchant()
    const agent = new Agent()
    await loginAs(agent, user.email, password)
    /* this test is about time: keep the user below the e-mail change budget */
    const clearBudget = () => budgets.emailChangePerUser().delete(`email_change:${user.id}`)

    /** One timed POST (the CSRF token is fetched before the clock starts). */
    const timedChange = async (email: string) => {
      const csrf = await agent.csrf('/account')
      const started = performance.now()
      const response = await agent.request('POST', '/account/email', {
        form: { email, current_password_email: password, _csrf: csrf },
      })
      const elapsed = performance.now() - started
      if (response.location !== '/account#email') throw new Error(`answer ${response.status}`)
      await clearBudget()
      return elapsed
    }

    /* the same page either way */
    await timedChange('frei-erster@example.com')
    const free = pageShape((await agent.get('/account')).text, 'frei-erster@example.com')
    await timedChange(taken)
    const busy = pageShape((await agent.get('/account')).text, taken)
    assert.include(free, 'Bestätigungslink an die neue Adresse gesendet')
    assert.include(free, 'Bestätigung ausstehend für <address>')
    assert.equal(busy, free)

    for (let i = 0; i < 3; i++) {
      await timedChange(`aufwaermen${i}@example.com`)
      await timedChange(taken)
    }
    const freeTimes: number[] = []
    const takenTimes: number[] = []
    for (let i = 0; i < 20; i++) {
      freeTimes.push(await timedChange(`frei${i}@example.com`))
      takenTimes.push(await timedChange(taken))
    }
    const a = median(freeTimes)
    const b = median(takenTimes)
    const difference = Math.abs(a - b) / Math.min(a, b)
    console.log(
      `e-mail change medians: free ${a.toFixed(1)} ms, taken ${b.toFixed(1)} ms, difference ${(difference * 100).toFixed(1)} %`
    )
    assert.isBelow(difference, 0.25)
    /* nothing changed hands */
    assert.equal((await User.findByOrFail('email', taken)).email, taken)
    await user.refresh()
    assert.notEqual(user.email, taken)
  }).timeout(120_000)
})
