import { spawn } from 'node:child_process'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'

/** Runs `node ace <args>`; resolves with the exit code, or null when it is still running after `ms`. */
function ace(args: string[], ms: number) {
  return new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['ace', ...args], {
      cwd: app.makePath(),
      env: { ...process.env, NODE_ENV: 'test' },
      stdio: 'ignore',
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      resolve(null)
    }, ms)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve(code)
    })
  })
}

test.group('ace commands', () => {
  /* CI runs `node ace codegen` before the type check: a connection opened while the
     app loads (Redis, the live feed's subscriptions) must not keep it from exiting */
  test('codegen and list finish and exit 0', async ({ assert }) => {
    assert.equal(await ace(['codegen'], 60_000), 0, 'node ace codegen did not exit')
    assert.equal(await ace(['list'], 60_000), 0, 'node ace list did not exit')
  }).timeout(130_000)
})
