/* Types of local_services.js, for the TypeScript that uses it (cluster test, benches). */
import type { ChildProcess } from 'node:child_process'

export declare const sleep: (ms: number) => Promise<void>
export declare class ServiceError extends Error {}
export declare function which(...names: string[]): string | undefined
export declare function freePort(host?: string): Promise<number>
export declare function tcpOpen(port: number, host?: string): Promise<boolean>
export declare function stopChild(child: ChildProcess | undefined, graceMs?: number): Promise<void>

export type RedisInstance = {
  port: number
  child: ChildProcess
  waitReady(): Promise<void>
  stop(): Promise<void>
  restart(): Promise<void>
}
export declare function startRedis(options?: {
  port?: number
  cwd?: string
}): Promise<RedisInstance>

export type MariaDbInstance = {
  port: number
  socket: string
  dir: string
  child: ChildProcess
  /** Runs statements as root over the socket; returns the batch output. */
  sql(text: string): string
  stop(): Promise<void>
}
export declare function startMariaDb(options: {
  dir: string
  port?: number
  args?: string[]
}): Promise<MariaDbInstance>

export declare function createAppDatabase(
  mariadb: MariaDbInstance,
  options: { database: string; user?: string; password?: string }
): void

export declare function startReplication(primary: MariaDbInstance, replica: MariaDbInstance): void
