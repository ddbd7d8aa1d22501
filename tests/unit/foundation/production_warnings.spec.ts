import { test } from '@japa/runner'
import {
  missingOperatorDetails,
  operatorDetailsWarning,
  productionWarnings,
} from '#start/production_warnings'

/* what a production process says at start when it would show merchants the demo company,
   send cookies without Secure or share one login limit between all visitors (settings are
   passed in: the process's own environment, which child processes inherit, stays untouched) */
const OPERATOR: Record<string, string> = {
  OPERATOR_NAME: 'Netz GmbH',
  OPERATOR_STREET: 'Hauptstraße 1',
  OPERATOR_POSTAL_CODE: '10115',
  OPERATOR_CITY: 'Berlin',
  OPERATOR_REGISTER_COURT: 'Amtsgericht Berlin',
  OPERATOR_REGISTER_NUMBER: 'HRB 1',
  OPERATOR_MANAGING_DIRECTORS: 'A. Muster',
  OPERATOR_VAT_ID: 'DE811907980',
  OPERATOR_TAX_NUMBER: '30/123/45678',
  OPERATOR_BANK_NAME: 'Bank AG',
  OPERATOR_IBAN: 'DE02120300000000202051',
  OPERATOR_BIC: 'BYLADEM1001',
  OPERATOR_EMAIL: 'service@netz.example',
}

test.group('Production warnings', () => {
  test('the demo company, http:// and no trusted proxy are each named', ({ assert }) => {
    const demo = (name: string): unknown =>
      ({ APP_URL: 'http://portal.example.de', TRUSTED_PROXIES: [] })[name]
    assert.sameMembers(missingOperatorDetails(demo), Object.keys(OPERATOR))
    const warnings = productionWarnings(demo)
    assert.lengthOf(warnings, 3)
    assert.include(warnings[0], 'OPERATOR_IBAN')
    assert.include(warnings[0], 'an issued invoice cannot be changed')
    assert.include(warnings[1], 'APP_URL is not https://')
    assert.include(warnings[2], 'TRUSTED_PROXIES is empty')

    const ready = (name: string): unknown =>
      ({
        ...OPERATOR,
        APP_URL: 'https://portal.example.de',
        TRUSTED_PROXIES: ['127.0.0.1'],
      })[name]
    assert.isNull(operatorDetailsWarning(ready))
    assert.deepEqual(productionWarnings(ready), [])
  })
})
