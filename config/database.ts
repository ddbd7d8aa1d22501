import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/lucid'

const migrations = { naturalSort: true, paths: ['database/migrations'] }

const primary = {
  host: env.get('DB_HOST', '127.0.0.1'),
  port: env.get('DB_PORT', 3306),
}

/**
 * DB_REPLICA_HOSTS: comma-separated `host[:port]` of MariaDB read replicas
 * (same user, password and database as the primary). Heavy reads go to them
 * through the `mysql_read` connection (ADR 0003); everything else stays on
 * the primary. Unset: one database serves everything.
 */
export const replicaHosts = (env.get('DB_REPLICA_HOSTS') ?? '')
  .split(',')
  .map((entry) => entry.trim())
  .filter(Boolean)
  .map((entry) => {
    const [host, port] = entry.split(':')
    return { host, port: port ? Number(port) : primary.port }
  })

/** The connection for heavy reads that tolerate replication lag (ADR 0003). */
export const READ_CONNECTION =
  env.get('DB_CONNECTION') === 'mysql' && replicaHosts.length ? 'mysql_read' : undefined

/*
| MySQL/MariaDB for production and the test suite; SQLite (better-sqlite3) as the
| embedded default for the demo. One set of migrations serves both. Models are
| written by hand, so Lucid's schema file generation stays off.
*/
const mysqlConnection = {
  user: env.get('DB_USER', 'kundenportal'),
  password: env.get('DB_PASSWORD', ''),
  database: env.get('DB_DATABASE', 'kundenportal'),
  charset: 'utf8mb4',
  timezone: 'Z',
  dateStrings: false,
  supportBigNumbers: true,
  bigNumberStrings: false,
  /* prepared statements mysql2 keeps per connection (ingest batches; see
           ingest_service.ts); passed through by knex, unknown to Lucid's types */
  ...({ maxPreparedStatements: 16 } as object),
}

const dbConfig = defineConfig({
  connection: env.get('DB_CONNECTION'),
  connections: {
    mysql: {
      client: 'mysql2',
      connection: { ...primary, ...mysqlConnection },
      pool: { min: 0, max: 10 },
      migrations,
      schemaGeneration: { enabled: false },
    },
    /* reads to the replicas; a write made through it still goes to the primary */
    mysql_read: {
      client: 'mysql2',
      connection: mysqlConnection,
      replicas: {
        read: { connection: replicaHosts.length ? replicaHosts : [primary] },
        write: { connection: primary },
      },
      pool: { min: 0, max: 10 },
      migrations,
      schemaGeneration: { enabled: false },
    },
    sqlite: {
      client: 'better-sqlite3',
      connection: {
        filename: app.makePath(env.get('SQLITE_FILE', 'storage/demo.sqlite3')),
      },
      useNullAsDefault: true,
      migrations,
      schemaGeneration: { enabled: false },
    },
  },
})

export default dbConfig
