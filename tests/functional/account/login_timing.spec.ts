import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import User from '#models/user'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant } from '#tests/helpers/auth'
import { budgets } from '#services/security/rate_limits'
import { Totp } from '#services/security/totp'

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** One timed login POST (the CSRF token is fetched before the clock starts). */
async function timedLogin(email: string, password: string, expected = '/login') {
  const agent = new Agent()
  const csrf = await agent.csrf('/login')
  const started = performance.now()
  const response = await agent.request('POST', '/login', { form: { email, password, _csrf: csrf } })
  const elapsed = performance.now() - started
  if (response.location !== expected) throw new Error(`unexpected answer ${response.status}`)
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

  test('the password step takes the same time with TOTP and without (medians within 25 %)', async ({
    assert,
  }) => {
    const plain = await createMerchant()
    const withTotp = await createMerchant()
    withTotp.user.totpSecret = Totp.encryptSecret(Totp.newSecret())
    withTotp.user.totpEnabledAt = DateTime.now()
    withTotp.user.recoveryCodes = Totp.newRecoveryCodes().stored
    await withTotp.user.save()

    /* a right password: the one without TOTP is logged in, the other goes to the code step */
    const right = async () => [
      await timedLogin(plain.user.email, plain.password, '/'),
      await timedLogin(withTotp.user.email, withTotp.password, '/login/totp'),
    ]
    for (let i = 0; i < 3; i++) await right()
    const without: number[] = []
    const withCode: number[] = []
    for (let i = 0; i < 20; i++) {
      const [a, b] = await right()
      without.push(a)
      withCode.push(b)
    }
    const a = median(without)
    const b = median(withCode)
    const difference = Math.abs(a - b) / Math.min(a, b)
    console.log(
      `password step medians: without TOTP ${a.toFixed(1)} ms, with TOTP ${b.toFixed(1)} ms, difference ${(difference * 100).toFixed(1)} %`
    )
    assert.isBelow(difference, 0.25)

    /* a wrong password answers alike whether or not the account has TOTP */
    const wrongWithout: number[] = []
    const wrongWith: number[] = []
    const clearCounters = async () => {
      await User.query()
        .whereIn('id', [plain.user.id, withTotp.user.id])
        .update({ failed_login_count: 0 })
      await budgets.loginFailuresPerEmail().delete(`email:${plain.user.email}`)
      await budgets.loginFailuresPerEmail().delete(`email:${withTotp.user.email}`)
      await budgets.loginFailuresPerIp().delete('ip:127.0.0.1')
    }
    for (let i = 0; i < 20; i++) {
      wrongWithout.push(await timedLogin(plain.user.email, 'falsches-Passwort-1'))
      wrongWith.push(await timedLogin(withTotp.user.email, 'falsches-Passwort-1'))
      await clearCounters()
    }
    const c = median(wrongWithout)
    const d = median(wrongWith)
    const wrongDifference = Math.abs(c - d) / Math.min(c, d)
    console.log(
      `wrong password medians: without TOTP ${c.toFixed(1)} ms, with TOTP ${d.toFixed(1)} ms, difference ${(wrongDifference * 100).toFixed(1)} %`
    )
    assert.isBelow(wrongDifference, 0.25)
  }).timeout(120_000)
})
