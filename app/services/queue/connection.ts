import { queuePrefix as prefix, queueRedis } from '#config/portal'
import type { ConnectionOptions } from 'bullmq'

/*
| BullMQ gets its own ioredis 6 connection options (the @adonisjs/redis
| connection is ioredis 5); blocking commands need maxRetriesPerRequest: null.
*/
export const queueConnection: ConnectionOptions = {
  ...queueRedis,
  maxRetriesPerRequest: null,
}

export const queuePrefix = prefix
