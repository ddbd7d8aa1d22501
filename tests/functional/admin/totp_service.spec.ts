import { test } from '@japa/runner'
import { generate } from 'otplib'
import StaffUser from '#models/staff_user'
import { resetState } from '#tests/helpers/db'
import { createStaff } from '#tests/helpers/staff'
import { TotpService } from '#services/admin/totp_service'

test.group('TOTP service', (group) => {
  group.each.setup(() => resetState())

  test('the same code sent twice at once is accepted exactly once', async ({ assert }) => {
    const secret = TotpService.newSecret()
    const code = await generate({ secret })
    const results = await Promise.all([
      TotpService.verifyCode(secret, code),
      TotpService.verifyCode(secret, code),
      TotpService.verifyCode(secret, code),
    ])
    assert.equal(results.filter(Boolean).length, 1)
  })

  test('codes from two steps ago, malformed codes and another secret are refused', async ({
    assert,
  }) => {
    const secret = TotpService.newSecret()
    const old = await generate({ secret, epoch: Math.floor(Date.now() / 1000) - 90 })
    assert.isFalse(await TotpService.verifyCode(secret, old))
    assert.isFalse(await TotpService.verifyCode(secret, '12345'))
    assert.isFalse(await TotpService.verifyCode(secret, 'abcdef'))
    const other = TotpService.newSecret()
    assert.isFalse(await TotpService.verifyCode(secret, await generate({ secret: other })))
  })

  test('a recovery code used twice at once works once; the others stay', async ({ assert }) => {
    const account = await createStaff()
    const code = account.recoveryCodes[3]
    const [a, b] = await Promise.all([
      TotpService.consumeRecoveryCode(await StaffUser.findOrFail(account.staff.id), code),
      TotpService.consumeRecoveryCode(await StaffUser.findOrFail(account.staff.id), code),
    ])
    assert.equal([a, b].filter(Boolean).length, 1)
    const staff = await StaffUser.findOrFail(account.staff.id)
    assert.equal(TotpService.remainingRecoveryCodes(staff), 9)
    assert.isTrue(await TotpService.consumeRecoveryCode(staff, account.recoveryCodes[0]))
    assert.isFalse(await TotpService.consumeRecoveryCode(staff, 'aaaaa-bbbbb'))
  })

  test('the stored secret is encrypted and decrypts to the enrolled one', async ({ assert }) => {
    const account = await createStaff()
    const staff = await StaffUser.findOrFail(account.staff.id)
    assert.notInclude(staff.totpSecret!, account.secret!)
    assert.equal(TotpService.secretOf(staff), account.secret)
  })
})
