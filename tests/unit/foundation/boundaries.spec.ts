import { test } from '@japa/runner'
import { ESLint } from 'eslint'
import app from '@adonisjs/core/services/app'

/*
| The boundaries of ADR 1201 are lint rules (`npm run lint`, run by CI). These
| tests show that each rule fails on the code it forbids and lets the allowed
| form through, so a rule cannot silently stop working.
*/
const eslint = new ESLint({ cwd: app.makePath() })

async function problems(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: app.makePath(file) })
  return result.messages
    .filter((message) =>
      ['no-restricted-imports', 'no-restricted-syntax'].includes(message.ruleId ?? '')
    )
    .map((message) => message.message)
}

test.group('Boundaries (ADR 1201)', () => {
  test('a controller that redirects to a string URL fails; a route name passes', async ({
    assert,
  }) => {
    const bad = await problems(
      'app/controllers/account/example_controller.ts',
      `export default class {
  async a({ response }: any) { return response.redirect('/account') }
  async b({ response }: any) { return response.redirect(\`/admin/jobs?queue=\${1}\`) }
  async c({ response }: any) { return response.redirect().toPath('/login') }
}\n`
    )
    assert.lengthOf(bad, 3)
    assert.match(bad[0], /route name/)
    const good = await problems(
      'app/controllers/account/example_controller.ts',
      `export default class {
  async a({ response }: any) { return response.redirect().toRoute('account.show') }
}\n`
    )
    assert.deepEqual(good, [])
  })

  test('production code that imports demo code fails', async ({ assert }) => {
    for (const file of [
      'app/services/account/example.ts',
      'start/routes/example.ts',
      'config/example.ts',
    ]) {
      const found = await problems(
        file,
        `import { DemoSeeder } from '#demo/demo_seeder'\nexport { DemoSeeder }\n`
      )
      assert.lengthOf(found, 1, file)
      assert.match(found[0], /Demo code/)
    }
  })

  test('a service that imports start/, a validator, a job handler or a controller fails', async ({
    assert,
  }) => {
    for (const specifier of [
      '#start/env',
      '#validators/contact',
      '#jobs/handlers/send_mail',
      '#controllers/account/login_controller',
    ]) {
      const found = await problems(
        'app/services/account/example.ts',
        `import x from '${specifier}'\nexport { x }\n`
      )
      assert.lengthOf(found, 1, specifier)
    }
    const allowed = await problems(
      'app/services/account/example.ts',
      `import { queuePrefix } from '#config/portal'\nimport { budgets } from '#services/security/rate_limits'\nexport { queuePrefix, budgets }\n`
    )
    assert.deepEqual(allowed, [])
  })

  test('a model that imports a service fails', async ({ assert }) => {
    const found = await problems(
      'app/models/example.ts',
      `import { AuditService } from '#services/audit/audit_service'\nexport { AuditService }\n`
    )
    assert.lengthOf(found, 1)
  })
})
