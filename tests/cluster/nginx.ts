/*
| Debian's nginx running the shipped site file deploy/nginx/kundenportal.conf,
| rewritten only where a site differs (ports, certificate, log and include
| paths), with a self-signed certificate, in a folder of its own. The main
| configuration mirrors Debian's /etc/nginx/nginx.conf with the connection
| limits README "Production" asks for.
*/
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ServiceError, sleep, stopChild, tcpOpen, which } from '../../bin/lib/local_services.js'

const DEPLOY = new URL('../../deploy/nginx/', import.meta.url).pathname

/** Replaces `from` (every occurrence) and fails when the shipped file no longer has it. */
function rewrite(text: string, from: string | RegExp, to: string) {
  const found = typeof from === 'string' ? text.includes(from) : from.test(text)
  if (!found) {
    throw new Error(
      `deploy/nginx: "${from}" not found; the cluster test rewrites it (tests/cluster/nginx.ts)`
    )
  }
  return typeof from === 'string' ? text.replaceAll(from, to) : text.replace(from, to)
}

/** The site file for this folder and ports. */
export function renderSite(dir: string, ports: { http: number; https: number }) {
  let site = readFileSync(join(DEPLOY, 'kundenportal.conf'), 'utf8')
  site = rewrite(site, /^\s*listen \[::\]:80;\n/m, '')
  site = rewrite(site, /^\s*listen \[::\]:443 ssl http2;\n/m, '')
  site = rewrite(site, 'listen 80;', `listen 127.0.0.1:${ports.http};`)
  site = rewrite(site, 'listen 443 ssl http2;', `listen 127.0.0.1:${ports.https} ssl http2;`)
  site = rewrite(site, '/etc/letsencrypt/live/portal.example.com/fullchain.pem', `${dir}/cert.pem`)
  site = rewrite(site, '/etc/letsencrypt/live/portal.example.com/privkey.pem', `${dir}/key.pem`)
  site = rewrite(site, 'server_name portal.example.com;', 'server_name localhost;')
  site = rewrite(site, '/etc/nginx/kundenportal-upstreams.conf', `${dir}/upstreams.conf`)
  site = rewrite(site, '/var/log/nginx/', `${dir}/`)
  return rewrite(site, 'root /var/www/html;', `root ${dir}/acme;`)
}

/** The upstream list with one line per port, each with the options of the shipped lines. */
export function renderUpstreams(ports: number[]) {
  const shipped = readFileSync(join(DEPLOY, 'kundenportal-upstreams.conf'), 'utf8')
  const line = /^server 127\.0\.0\.1:\d+(.*)$/m.exec(shipped)
  if (!line) throw new Error('deploy/nginx/kundenportal-upstreams.conf has no server line')
  return ports.map((port) => `server 127.0.0.1:${port}${line[1]}`).join('\n') + '\n'
}

function mainConfig(dir: string) {
  return `
worker_processes auto;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
worker_rlimit_nofile 16384;
events {
    worker_connections 4096;
}
http {
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    access_log ${dir}/access.log;
    gzip on;
    client_body_temp_path ${dir}/tmp/body;
    proxy_temp_path ${dir}/tmp/proxy;
    fastcgi_temp_path ${dir}/tmp/fastcgi;
    uwsgi_temp_path ${dir}/tmp/uwsgi;
    scgi_temp_path ${dir}/tmp/scgi;
    include ${dir}/kundenportal.conf;
}
`
}

export class Nginx {
  child?: ChildProcess
  log = ''
  readonly binary: string

  private constructor(
    readonly dir: string,
    readonly ports: { http: number; https: number }
  ) {
    this.binary = which('nginx')!
  }

  /** Checks that nginx and openssl are installed and writes the certificate. */
  static prepare(dir: string, ports: { http: number; https: number }) {
    if (!which('nginx')) throw new ServiceError('nginx not found (Debian: apt-get install nginx)')
    if (!which('openssl')) throw new ServiceError('openssl not found (apt-get install openssl)')
    mkdirSync(join(dir, 'tmp'), { recursive: true })
    /* nginx's workers (nobody, under root) read and write below this folder */
    chmodSync(dir, 0o755)
    chmodSync(join(dir, 'tmp'), 0o755)
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-days',
        '1',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' }
    )
    return new Nginx(dir, ports)
  }

  get certificate() {
    return readFileSync(join(this.dir, 'cert.pem'), 'utf8')
  }

  get baseUrl() {
    return `https://127.0.0.1:${this.ports.https}`
  }

  /** Writes the configuration for these web process ports and checks it (`nginx -t`). */
  configure(upstreamPorts: number[]) {
    writeFileSync(join(this.dir, 'upstreams.conf'), renderUpstreams(upstreamPorts))
    writeFileSync(join(this.dir, 'kundenportal.conf'), renderSite(this.dir, this.ports))
    writeFileSync(join(this.dir, 'nginx.conf'), mainConfig(this.dir))
    try {
      execFileSync(this.binary, ['-t', '-q', '-p', this.dir, '-c', join(this.dir, 'nginx.conf')], {
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
      })
    } catch (error) {
      throw new Error(`nginx -t: ${(error as { stderr?: string }).stderr ?? error}`)
    }
  }

  async start(upstreamPorts: number[]) {
    this.configure(upstreamPorts)
    this.child = spawn(
      this.binary,
      ['-p', this.dir, '-c', join(this.dir, 'nginx.conf'), '-g', 'daemon off;'],
      { stdio: ['ignore', 'ignore', 'pipe'] }
    )
    this.child.stderr!.on('data', (chunk) => (this.log = (this.log + chunk).slice(-4000)))
    for (let i = 0; i < 100; i++) {
      if (this.child.exitCode !== null) throw new Error(`nginx exited: ${this.log.trim()}`)
      if (await tcpOpen(this.ports.https)) return
      await sleep(50)
    }
    throw new Error('nginx did not listen within 5 s')
  }

  /** New upstream list; nginx's master re-reads the configuration (streams stay on old workers). */
  async reload(upstreamPorts: number[]) {
    this.configure(upstreamPorts)
    this.child!.kill('SIGHUP')
    await sleep(500)
  }

  /** The access log's lines so far (format `kundenportal`: … upstream=ADDR …). */
  accessLog() {
    try {
      return readFileSync(join(this.dir, 'kundenportal.access.log'), 'utf8').split('\n')
    } catch {
      return []
    }
  }

  /** The upstream port of the last logged request whose line matches. */
  upstreamPortOf(match: RegExp) {
    const line = this.accessLog().findLast((entry) => match.test(entry))
    const port = line && /upstream=127\.0\.0\.1:(\d+)/.exec(line)
    return port ? Number(port[1]) : undefined
  }

  stop() {
    return stopChild(this.child, 5000)
  }
}
