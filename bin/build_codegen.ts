/*
| Build hook (adonisrc.ts `buildStarting`): `node ace build` only writes the
| static index files, but the type check also needs the route types that
| `node ace codegen` emits from a booted app. Run it first, in its own process,
| so a fresh clone builds with `npm ci && node ace build` and nothing else.
| The app boots in warm-up mode (no connections); settings missing from the
| environment come from .env.test, which is complete on its own.
*/
import { spawnSync } from 'node:child_process'

export default function buildCodegen() {
  const result = spawnSync(process.execPath, ['ace', 'codegen'], {
    env: { ...process.env, NODE_ENV: 'test' },
    stdio: 'inherit',
    timeout: 120_000,
  })
  if (result.status !== 0) {
    throw new Error(`node ace codegen failed (${result.error?.message ?? `exit ${result.status}`})`)
  }
}
