import db from '@adonisjs/lucid/services/db'
import { READ_CONNECTION } from '#config/database'

/**
 * The query client for heavy reads that may lag behind the primary by a
 * moment (ADR 0003): the read replicas when DB_REPLICA_HOSTS names any,
 * else the one database. Nothing that must see its own writes uses it.
 */
export const reader = () => db.connection(READ_CONNECTION)

/** Options for `Model.query()` that send a look-up to the replicas. */
export const readerOptions = () => (READ_CONNECTION ? { connection: READ_CONNECTION } : {})
