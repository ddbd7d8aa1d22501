/*
| Cluster test: the production shape of README "Production" on one machine, from
| an existing build/ (`node ace build && cd build && npm ci --omit=dev`): its own
| MariaDB primary + GTID replica and Redis on loopback ports, nginx (Debian) with
| deploy/nginx/kundenportal.conf and a self-signed certificate, 2 web and 2
| worker processes with the settings of deploy/env.example. Not part of `npm test`.
|
|   node --import=@poppinss/ts-exec tests/cluster/run.ts
|
| Prints one line per check and `N passed, N failed`; exits 1 when any failed.
| BUILD_DIR names another bundle than ./build.
*/
import { ServiceError } from '../../bin/lib/local_services.js'
import { Cluster, requireBuild, seconds } from './cluster.js'
import { Context, type Check } from './context.js'
import { proxyChecks } from './checks/proxy.js'
import { sessionChecks } from './checks/sessions.js'
import { replicaChecks } from './checks/replica.js'
import { invoiceChecks } from './checks/invoices.js'
import { failoverChecks } from './checks/failover.js'

/* the web process killed by the last check is not needed afterwards */
const CHECKS: Check[] = [
  proxyChecks[0],
  ...sessionChecks,
  ...proxyChecks.slice(1),
  ...replicaChecks,
  ...invoiceChecks,
  ...failoverChecks,
]

requireBuild('cluster test')
const results: boolean[] = []
const log = (line: string) => console.log(`  ${line}`)
const cluster = new Cluster({ webs: 2, workers: 2, replica: true })

async function main() {
  const started = performance.now()
  console.log('cluster test: setting up')
  await cluster.start(log)
  /* the processes start while the demo data loads */
  const [seedOutput, tokenOutput] = await Promise.all([
    cluster.ace(['demo:seed', '--json']),
    cluster.ace(['api:token', 'cluster']),
    cluster.startProcesses(log),
  ])
  const context = await Context.create(cluster, seedOutput, tokenOutput)
  log(`ready (${seconds(started)})`)

  for (const check of CHECKS) {
    const checkStarted = performance.now()
    try {
      const detail = await check.run(context)
      results.push(true)
      console.log(`✔ ${check.name} (${seconds(checkStarted)})${detail ? `: ${detail}` : ''}`)
    } catch (error) {
      results.push(false)
      console.log(`✖ ${check.name} (${seconds(checkStarted)})\n    ${(error as Error).message}`)
    }
  }
  log(`total ${seconds(started)}`)
}

try {
  await main()
} catch (error) {
  results.push(false)
  const reason = error instanceof ServiceError ? error.message : ((error as Error).stack ?? error)
  console.log(`✖ cluster set-up: ${reason}`)
}
if (results.includes(false)) console.log(`\nprocess output:\n${cluster.outputs()}`)
await cluster.stop()
const passed = results.filter(Boolean).length
console.log(`\n${passed} passed, ${results.length - passed} failed`)
process.exit(passed === results.length ? 0 : 1)
