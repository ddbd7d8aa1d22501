/*
| CPU per request of a running server (issue 19): what a change to a page costs, steadier than
| a req/s ratio on a shared 2-core machine (rounds of the list bench swing by ±10 %, this by
| ±3 %). Sends `count` GETs with 4 kept-alive clients, three times after a warm-up of 500, and
| prints the server's and MariaDB's CPU milliseconds per request (from /proc) and the rate.
|
|   BENCH_HOLD=1 node --import=@poppinss/ts-exec bench/transactions.ts   # prints URL and cookie
|   node --import=@poppinss/ts-exec bench/cpu_per_request.ts <server pid> <url> <cookie> [count]
|
| Compare two versions by running it against each, alternately, two times or more.
*/
import { readFileSync, readdirSync } from 'node:fs'
import http from 'node:http'

const [pid, url, cookie] = process.argv.slice(2)
const count = Number(process.argv[5] ?? 3000)
if (!pid || !url) {
  console.error('usage: cpu_per_request.ts <server pid> <url> <cookie> [count]')
  process.exit(2)
}

/** utime + stime of a process in milliseconds (clock ticks of 10 ms). */
const cpuMs = (of: string) => {
  const fields = readFileSync(`/proc/${of}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}
const mariadbd = readdirSync('/proc').find(
  (entry) =>
    /^\d+$/.test(entry) &&
    (() => {
      try {
        return readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'mariadbd'
      } catch {
        return false
      }
    })()
)

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 })
const get = () =>
  new Promise<void>((resolve, reject) => {
    http
      .get(url, { agent, headers: { cookie } }, (response) => {
        response.resume()
        response.on('end', () =>
          response.statusCode === 200
            ? resolve()
            : reject(new Error(`${url}: ${response.statusCode}`))
        )
      })
      .on('error', reject)
  })

async function run(requests: number) {
  let sent = 0
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (sent++ < requests) await get()
    })
  )
}

await run(500)
for (let round = 0; round < 3; round++) {
  const server = cpuMs(pid)
  const database = mariadbd ? cpuMs(mariadbd) : 0
  const started = performance.now()
  await run(count)
  const seconds = (performance.now() - started) / 1000
  const perRequest = (ms: number) => (ms / count).toFixed(3)
  console.log(
    `server ${perRequest(cpuMs(pid) - server)} ms/request · mariadbd ${mariadbd ? perRequest(cpuMs(mariadbd) - database) : '–'} ms/request · ${(count / seconds).toFixed(0)} req/s`
  )
}
agent.destroy()
