import { randomUUID } from 'node:crypto'
import { EventSource } from 'eventsource'
import type { Agent } from '#tests/helpers/agent'

export type LiveMessage = { channel: string; payload: any; at: number }

/** A logged-in merchant's live stream, opened with the agent's session cookie, as a browser would. */
export class LiveClient {
  readonly uid = randomUUID()
  readonly messages: LiveMessage[] = []
  /** When the server ended the open stream (the client then tries to reconnect). */
  readonly ends: number[] = []
  source?: EventSource

  constructor(readonly agent: Agent) {}

  open() {
    const cookie = [...this.agent.jar].map(([name, value]) => `${name}=${value}`).join('; ')
    return new Promise<void>((resolve, reject) => {
      this.source = new EventSource(`${this.agent.baseUrl}/__transmit/events?uid=${this.uid}`, {
        fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, cookie } }),
      })
      let opened = false
      this.source.onopen = () => {
        opened = true
        resolve()
      }
      this.source.onerror = (error) => {
        if (opened) this.ends.push(Date.now())
        else reject(error)
      }
      this.source.onmessage = (event) => {
        const data = JSON.parse(event.data)
        if (data.channel !== '$$transmit/ping') this.messages.push({ ...data, at: Date.now() })
      }
    })
  }

  async subscribe(channel: string, uid = this.uid) {
    const token = await this.agent.csrf()
    return this.agent.request('POST', '/__transmit/subscribe', {
      json: { uid, channel },
      headers: { 'x-csrf-token': token },
    })
  }

  async waitFor(predicate: (m: LiveMessage) => boolean, timeoutMs: number) {
    const until = Date.now() + timeoutMs
    while (Date.now() < until) {
      const found = this.messages.find(predicate)
      if (found) return found
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    return null
  }

  /** Waits until the server ends the stream; the time it ended, or null. */
  async waitForEnd(timeoutMs: number) {
    const until = Date.now() + timeoutMs
    while (Date.now() < until) {
      if (this.ends.length) return this.ends[0]
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    return null
  }

  close() {
    this.source?.close()
  }
}
