import env from '#start/env'
import type { ConnectionOptions } from 'bullmq'

/*
| BullMQ gets its own ioredis 6 connection options (the @adonisjs/redis
| connection is ioredis 5); blocking commands need maxRetriesPerRequest: null.
*/
export const queueConnection: ConnectionOptions = {
  host: env.get('REDIS_HOST'),
  port: env.get('REDIS_PORT'),
  password: env.get('REDIS_PASSWORD') || undefined,
  maxRetriesPerRequest: null,
}

export const queuePrefix = env.get('QUEUE_PREFIX', 'kp')
