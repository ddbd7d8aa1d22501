import env from '#start/env'
import { defineConfig, stores } from '@adonisjs/limiter'
import type { InferLimiters } from '@adonisjs/limiter/types'

/** Prefix of the limiter's Redis keys: `<prefix>:<key>` holds the count (rate-limiter-flexible). */
export const LIMITER_KEY_PREFIX = `${env.get('QUEUE_PREFIX', 'kp')}:rl`

const limiterConfig = defineConfig({
  default: 'redis',
  stores: {
    redis: stores.redis({
      connectionName: 'main',
      keyPrefix: LIMITER_KEY_PREFIX,
    }),
    memory: stores.memory({}),
  },
})

export default limiterConfig

declare module '@adonisjs/limiter/types' {
  export interface LimitersList extends InferLimiters<typeof limiterConfig> {}
}
