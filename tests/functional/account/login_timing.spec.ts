import { test } from '@japa/runner'
import User from '#models/user'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant } from '#tests/helpers/auth'
import { budgets } from '#services/security/rate_limits'

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** One timed login POST (the CSRF token is fetched before the clock starts). */
async function timedLogin(email: string, password: string) {
  const agent = new Agent()
  const csrf = await agent.csrf('/login')
  const started = performance.now()
  const response = await agent.request('POST', '/login', { form: { email, password, _csrf: csrf } })
  const elapsed = performance.now() - started
  if (response.location !== '/login') throw new Error(`unexpected answer ${response.status}`)
  return elapsed
}

test.group('Anmelden: Antwortzeit', (group) => {
  group.each.setup(() => resetState())

  test('unknown e-mail and wrong password take the same time (medians within 25 %)', async ({
    assert,
  }) => {
    const { user } = await createMerchant()
    /* keep the real account below its lock and budget: this test is about time, not lockout */
    const clearCounters = async () => {
      await User.query().where('id', user.id).update({ failed_login_count: 0 })
      await budgets.loginFailuresPerEmail().delete(`email:${user.email}`)
      await budgets.loginFailuresPerIp().delete('ip:127.0.0.1')
    }
    for (let i = 0; i < 3; i++) {
      await timedLogin(`aufwaermen${i}@example.com`, 'falsches-Passwort-1')
      await timedLogin(user.email, 'falsches-Passwort-1')
      await clearCounters()
    }

    const unknown: number[] = []
    const wrong: number[] = []
    for (let i = 0; i < 20; i++) {
      unknown.push(await timedLogin(`unbekannt${i}@example.com`, 'falsches-Passwort-1'))
      wrong.push(await timedLogin(user.email, 'falsches-Passwort-1'))
      await clearCounters()
    }
    const a = median(unknown)
    const b = median(wrong)
    const difference = Math.abs(a - b) / Math.min(a, b)
    console.log(
      `login medians: unknown e-mail ${a.toFixed(1)} ms, wrong password ${b.toFixed(1)} ms, difference ${(difference * 100).toFixed(1)} %`
    )
    assert.isBelow(difference, 0.25)
    await user.refresh()
    assert.equal(user.state, 'active')
  }).timeout(120_000)
})
