import { DateTime } from 'luxon'
import { generate } from 'otplib'
import type StaffUser from '#models/staff_user'
import { StaffUserFactory, STAFF_PASSWORD } from '#database/factories/staff_user_factory'
import { TotpService } from '#services/admin/totp_service'
import type { Agent, AgentResponse } from '#tests/helpers/agent'
import { given } from '#tests/helpers/factory_input'

export type TestStaff = {
  staff: StaffUser
  email: string
  password: string
  /** plain TOTP secret (null until enrolled) */
  secret: string | null
  /** plain recovery codes (withTotp only) */
  recoveryCodes: string[]
}

/* the server accepts each time step once per secret: remember which ones this process used */
const usedSteps = new Map<string, Set<number>>()

/**
 * A fresh TOTP code for `secret` that this test process has not used yet: the
 * current time step, else the next or the previous one (the server tolerates one
 * step of drift either way).
 */
export async function totpCode(secret: string) {
  const now = Math.floor(Date.now() / 1000)
  const used = usedSteps.get(secret) ?? new Set<number>()
  usedSteps.set(secret, used)
  for (const offset of [0, 30, -30]) {
    const step = Math.floor((now + offset) / 30)
    if (used.has(step)) continue
    used.add(step)
    return generate({ secret, epoch: step * 30 })
  }
  throw new Error('three TOTP logins within 30 s for one secret: wait or use a recovery code')
}

/** A staff account; `withTotp` enrols TOTP directly (as after a completed first login). */
export async function createStaff(
  options: {
    role?: 'agent' | 'admin'
    withTotp?: boolean
    email?: string
    password?: string
    fullName?: string
    state?: 'active' | 'locked' | 'disabled'
  } = {}
): Promise<TestStaff> {
  const password = options.password ?? STAFF_PASSWORD
  let secret: string | null = null
  let recoveryCodes: string[] = []
  let totp: Partial<Pick<StaffUser, 'totpSecret' | 'totpEnabledAt' | 'recoveryCodes'>> = {}
  if (options.withTotp ?? true) {
    secret = TotpService.newSecret()
    const codes = TotpService.newRecoveryCodes()
    totp = {
      totpSecret: TotpService.encryptSecret(secret),
      totpEnabledAt: DateTime.now(),
      recoveryCodes: codes.stored,
    }
    recoveryCodes = codes.plain
  }
  const staff = await StaffUserFactory.merge({
    ...given({
      email: options.email,
      fullName: options.fullName,
      role: options.role,
      state: options.state,
    }),
    password,
    ...totp,
  }).create()
  const email = staff.email
  return { staff, email, password, secret, recoveryCodes }
}

/** Reads the TOTP key shown as text on the enrolment page. */
export function secretFromEnrolmentPage(html: string) {
  const match = html.match(/data-secret="([A-Z2-7]+)"/)
  if (!match) throw new Error('no TOTP key on the enrolment page')
  return match[1]
}

/**
 * The real staff login through the pages: password step, then the TOTP code
 * (or, for a staff member without TOTP, the enrolment). Returns the response of
 * the last step; `test.secret` and `test.recoveryCodes` are filled after an enrolment.
 */
export async function loginStaff(agent: Agent, test: TestStaff): Promise<AgentResponse> {
  const step1 = await agent.post(
    '/admin/login',
    { email: test.email, password: test.password },
    { csrfFrom: '/admin/login' }
  )
  if (step1.status !== 302) throw new Error(`admin login: status ${step1.status}`)
  if (step1.location?.endsWith('/admin/login/enrol')) {
    const page = await agent.get('/admin/login/enrol')
    test.secret = secretFromEnrolmentPage(page.text)
    const done = await agent.post(
      '/admin/login/enrol',
      { code: await totpCode(test.secret) },
      { csrfFrom: '/admin/login/enrol' }
    )
    const codesPage = await agent.follow(done)
    test.recoveryCodes = [
      ...codesPage.text.matchAll(/<code>([a-z0-9]{5}-[a-z0-9]{5})<\/code>/g),
    ].map((m) => m[1])
    return codesPage
  }
  if (!step1.location?.endsWith('/admin/login/totp')) {
    throw new Error(`admin login failed (redirect to ${step1.location})`)
  }
  if (!test.secret) throw new Error('staff without TOTP secret')
  const step2 = await agent.post(
    '/admin/login/totp',
    { code: await totpCode(test.secret) },
    { csrfFrom: '/admin/login/totp' }
  )
  if (!step2.location?.match(/\/admin\/?$/)) {
    throw new Error(`admin TOTP step failed (redirect to ${step2.location})`)
  }
  return step2
}
