import { randomBytes } from 'node:crypto'
import hash from '@adonisjs/core/services/hash'
import type { HttpContext } from '@adonisjs/core/http'
import type { LucidModel } from '@adonisjs/lucid/types/model'
import { SessionPolicy } from '#services/account/session_policy'
import { SessionRegistry } from '#services/account/session_registry'
import type { FailureThrottle } from '#services/account/login_throttle'

/** Consecutive failures that lock an account, merchant or staff. */
export const LOCK_AFTER_FAILURES = 10

/* A hash with the real parameters, verified when the e-mail is unknown, so an
   unknown address costs the same argon2id work as a wrong password. */
let dummyHash: Promise<string> | undefined
const decoyHash = () => (dummyHash ??= hash.make(randomBytes(24).toString('base64')))

/** What both account tables have in common for a login. */
type Account = {
  id: number
  password: string
  state: string
  failedLoginCount: number
  refresh(): Promise<unknown>
}

/**
 * One guard's side of the login: where its accounts live, its budgets, its
 * session tag, and how it audits and locks. Merchants: `merchantDoor`
 * (LoginService); staff: `staffDoor` (StaffLoginService).
 */
export type LoginDoor<A extends Account> = {
  guard: 'web' | 'admin'
  model: LucidModel
  throttle: FailureThrottle
  /** count every attempt per IP against the flood ceiling (the merchants' login form) */
  countAttempts: boolean
  normalizeEmail(email: string): string
  find(email: string): Promise<A | null>
  mayLogIn(account: A): boolean
  sessionTag(id: number): string
  /** the audited reason of a refused login */
  refusal(account: A | null, passwordOk: boolean): string
  /** a correct password on an account that may log in: clear counters, audit */
  passed(
    account: A,
    meta: { email: string; failuresOnRecord: boolean; method?: string }
  ): Promise<void>
  auditFailure(account: A | null, reason: string): Promise<void>
  lock(account: A): Promise<void>
}

/** The request being logged in: its guard and session (the login itself), IP and language. */
export type LoginCtx = Pick<HttpContext, 'request' | 'i18n' | 'auth' | 'session'>

/*
| The one login sequence for both guards: throttle check → credential check
| (the same argon2id work whether or not the e-mail exists) → lockout counting
| → guard login with a renewed, tagged session → audit. Every refusal (unknown
| e-mail, wrong password, locked, disabled, not yet active) gives `null` after
| the same work; a used-up budget throws a translated 429.
*/
export const LoginSequence = {
  async logIn<A extends Account>(
    ctx: LoginCtx,
    door: LoginDoor<A>,
    email: string,
    password: string
  ) {
    const checked = await this.checkPassword(ctx, door, email, password)
    if (!checked) return null
    await this.complete(ctx, door, checked.account, checked)
    return checked.account
  },

  /**
   * Step one alone: throttle check, credentials (the same work whether or not the
   * e-mail exists), failures counted. The account when its password is right and it
   * may log in, else null; nobody is logged in yet.
   */
  async checkPassword<A extends Account>(
    ctx: LoginCtx,
    door: LoginDoor<A>,
    email: string,
    password: string
  ) {
    const normalized = door.normalizeEmail(email)
    const ip = ctx.request.ip()
    const { failuresOnRecord } = await door.throttle.assertAllowed(
      normalized,
      { ip, i18n: ctx.i18n },
      { countAttempt: door.countAttempts }
    )

    const account = await door.find(normalized)
    const passwordOk = await hash.verify(account ? account.password : await decoyHash(), password)
    if (!account || !passwordOk || !door.mayLogIn(account)) {
      await this.recordFailure(door, normalized, account, door.refusal(account, passwordOk), ip)
      return null
    }
    return { account, email: normalized, failuresOnRecord }
  },

  /** The login itself: counters cleared and audited (door.passed), renewed and tagged session. */
  async complete<A extends Account>(
    ctx: LoginCtx,
    door: LoginDoor<A>,
    account: A,
    meta: { email: string; failuresOnRecord: boolean; method?: string }
  ) {
    await door.passed(account, meta)
    /* login() renews the session id */
    await (ctx.auth.use(door.guard) as unknown as { login(user: A): Promise<void> }).login(account)
    /* the generation that ending all the account's sessions counts up */
    const generation = (account as { sessionGeneration?: number }).sessionGeneration ?? 0
    SessionPolicy.stampGeneration(ctx.session, door.guard, generation)
    SessionPolicy.start(ctx.session, {
      ip: ctx.request.ip(),
      userAgent: ctx.request.header('user-agent') ?? '',
    })
    await SessionRegistry.track(ctx.session, door.sessionTag(account.id))
  },

  /**
   * Counts a failure against the budgets and audits it; on an active account it
   * counts towards the lock (a wrong password, or a wrong second factor).
   */
  async recordFailure<A extends Account>(
    door: LoginDoor<A>,
    email: string,
    account: A | null,
    reason: string,
    ip: string
  ) {
    await door.throttle.recordFailure(email, ip)
    await door.auditFailure(account, reason)
    if (!account || account.state !== 'active') return
    await door.model.query().where('id', account.id).increment('failed_login_count', 1)
    await account.refresh()
    if (account.failedLoginCount >= LOCK_AFTER_FAILURES) await door.lock(account)
  },
}
