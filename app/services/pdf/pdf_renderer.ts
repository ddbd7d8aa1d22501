import { EventEmitter } from 'node:events'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import logger from '@adonisjs/core/services/logger'
import { within } from '#services/process/time_limit'

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

export type PdfRendererOptions = {
  executablePath: string
  /** upper bound for one render, page load and printing together */
  timeoutMs?: number
  /** a page is closed and replaced after this many renders (bounds its memory) */
  maxPageUses?: number
  /** how many idle pages are kept open for reuse */
  maxIdlePages?: number
}

export class PdfRenderTimeoutError extends Error {}

/**
 * One Chromium per process, shared by every render. Pages are reused and
 * recycled after `maxPageUses`; a crashed or disconnected browser is launched
 * again on the next render; every render has a timeout. Emits `render:start`
 * (with the browser pid) so operators and tests can observe renders.
 */
export class PdfRenderer {
  readonly events = new EventEmitter()
  #browser: Browser | null = null
  #launching: Promise<Browser> | null = null
  #idle: Page[] = []
  #uses = new WeakMap<Page, number>()
  #closed = false
  readonly timeoutMs: number
  readonly maxPageUses: number
  readonly maxIdlePages: number

  constructor(private options: PdfRendererOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000
    this.maxPageUses = options.maxPageUses ?? 100
    this.maxIdlePages = options.maxIdlePages ?? 2
  }

  /** HTML → A4 PDF bytes. */
  async render(html: string): Promise<Buffer> {
    const browser = await this.#getBrowser()
    const page = await this.#acquirePage(browser)
    let reusable = false
    try {
      this.events.emit('render:start', { pid: browser.process()?.pid })
      const pdf = await withTimeout(this.#print(page, html), this.timeoutMs)
      reusable = true
      return Buffer.from(pdf)
    } finally {
      await this.#releasePage(page, reusable)
    }
  }

  /** The Chromium main process id, if a browser is running. */
  get browserPid(): number | undefined {
    return this.#browser?.process()?.pid
  }

  /** Chromium processes belonging to this renderer (the browser and its children). */
  async processCount(): Promise<number> {
    const root = this.browserPid
    if (!root) return 0
    const { stdout } = await promisify(execFile)('ps', ['-eo', 'pid=,ppid='])
    const children = new Map<number, number[]>()
    for (const line of stdout.trim().split('\n')) {
      const [pid, ppid] = line.trim().split(/\s+/).map(Number)
      children.set(ppid, [...(children.get(ppid) ?? []), pid])
    }
    let count = 0
    const stack = [root]
    while (stack.length) {
      const pid = stack.pop()!
      count++
      stack.push(...(children.get(pid) ?? []))
    }
    return count
  }

  /**
   * Closes Chromium. Bounded by `waitMs` per step: a hung browser (or one still
   * launching) is killed, so a shutdown never waits for a render that never ends.
   */
  async close(waitMs = 2000) {
    this.#closed = true
    const launching = this.#launching?.catch(() => null)
    const browser = this.#browser ?? (launching ? await within(launching, waitMs) : null)
    this.#browser = null
    this.#idle = []
    if (!browser) return
    const closed = await within(
      browser.close().then(
        () => true,
        () => false
      ),
      waitMs
    )
    if (!closed) killProcessGroup(browser.process()?.pid)
  }

  async #print(page: Page, html: string) {
    await page.setContent(html, { waitUntil: 'load', timeout: this.timeoutMs })
    return page.pdf({
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      timeout: this.timeoutMs,
    })
  }

  async #getBrowser(): Promise<Browser> {
    if (this.#closed) throw new Error('PDF renderer is closed')
    if (this.#browser?.connected) return this.#browser
    if (!this.#launching) {
      this.#launching = this.#launch().finally(() => (this.#launching = null))
    }
    return this.#launching
  }

  async #launch(): Promise<Browser> {
    const browser = await puppeteer.launch({
      executablePath: this.options.executablePath,
      headless: true,
      args: CHROMIUM_FLAGS,
      timeout: this.timeoutMs,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    })
    browser.on('disconnected', () => {
      if (this.#browser === browser) {
        this.#browser = null
        this.#idle = []
        if (!this.#closed)
          logger.warn('chromium disconnected; it is launched again on the next PDF')
      }
    })
    this.#browser = browser
    this.#idle = []
    return browser
  }

  async #acquirePage(browser: Browser): Promise<Page> {
    const idle = this.#idle.pop()
    if (idle && !idle.isClosed()) return idle
    const page = await browser.newPage()
    /* invoices are self-contained HTML: no scripts, no network */
    await page.setJavaScriptEnabled(false)
    await page.setRequestInterception(true)
    page.on('request', (request) => {
      if (request.url().startsWith('data:') || request.url() === 'about:blank') {
        request.continue().catch(() => {})
      } else {
        request.abort().catch(() => {})
      }
    })
    return page
  }

  async #releasePage(page: Page, reusable: boolean) {
    const uses = (this.#uses.get(page) ?? 0) + 1
    this.#uses.set(page, uses)
    const keep =
      reusable &&
      !this.#closed &&
      this.#browser?.connected &&
      uses < this.maxPageUses &&
      this.#idle.length < this.maxIdlePages
    if (keep) this.#idle.push(page)
    else await page.close().catch(() => {})
  }
}

/* Chromium runs in its own process group (puppeteer starts it detached): the whole group goes */
function killProcessGroup(pid: number | undefined) {
  if (!pid) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      /* already gone */
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new PdfRenderTimeoutError(`PDF render timed out after ${ms} ms`)),
      ms
    )
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
