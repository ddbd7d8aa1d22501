import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/lucid'

const migrations = { naturalSort: true, paths: ['database/migrations'] }

/*
| MySQL/MariaDB for production and the test suite; SQLite (better-sqlite3) as the
| embedded default for the demo. One set of migrations serves both. Models are
| written by hand, so Lucid's schema file generation stays off.
*/
const dbConfig = defineConfig({
  connection: env.get('DB_CONNECTION'),
  connections: {
    mysql: {
      client: 'mysql2',
      connection: {
        host: env.get('DB_HOST', '127.0.0.1'),
        port: env.get('DB_PORT', 3306),
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
