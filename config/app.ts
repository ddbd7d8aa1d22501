import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { Secret } from '@adonisjs/core/helpers'
import { defineConfig } from '@adonisjs/core/http'
import proxyAddr from 'proxy-addr'

/** The APP_KEY signs cookies and encrypts values; it must stay secret. */
export const appKey = new Secret(env.get('APP_KEY').release())

/** Public base URL: every link in a mail is built from it, never from request headers. */
export const appUrl = env.get('APP_URL').replace(/\/+$/, '')

/**
 * Forwarding headers (X-Forwarded-For/-Proto/-Host) are believed only when the
 * connection comes from one of TRUSTED_PROXIES; from anyone else they are
 * ignored and request.ip() is the peer address. Empty: trust no one.
 */
export const trustedProxies = env.get('TRUSTED_PROXIES')
const trustProxy = trustedProxies.length ? proxyAddr.compile(trustedProxies) : () => false

export const http = defineConfig({
  generateRequestId: true,
  allowMethodSpoofing: false,
  useAsyncLocalStorage: true,
  trustProxy,
  cookie: {
    domain: '',
    path: '/',
    maxAge: '2h',
    httpOnly: true,
    secure: appUrl.startsWith('https://'),
    sameSite: 'lax',
  },
  redirect: {
    forwardQueryString: false,
    allowedHosts: [],
  },
})

export const isHttps = appUrl.startsWith('https://')
export const demoMode = env.get('DEMO_MODE', false) && !app.inProduction
