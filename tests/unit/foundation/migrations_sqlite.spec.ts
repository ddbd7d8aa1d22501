import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { readdir, rm } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import Database from 'better-sqlite3'

const run = promisify(execFile)

test.group('Migrations on SQLite', () => {
  test('every migration runs up and down on SQLite', async ({ assert }) => {
    const file = app.makePath('tmp/migrations-check.sqlite3')
    await rm(file, { force: true })
    const env = {
      ...process.env,
      DB_CONNECTION: 'sqlite',
      SQLITE_FILE: 'tmp/migrations-check.sqlite3',
    }
    await run(process.execPath, ['ace', 'migration:run', '--force'], { cwd: app.makePath(), env })

    const tablesAfterUp = listTables(file)
    for (const table of [
      'customers',
      'terminals',
      'users',
      'customer_user',
      'transactions',
      'invoices',
      'invoice_lines',
      'tickets',
      'ticket_messages',
      'staff_users',
      'audit_events',
      'one_time_tokens',
      'api_tokens',
    ]) {
      assert.include(tablesAfterUp, table)
    }

    await run(process.execPath, ['ace', 'migration:rollback', '--batch=0', '--force'], {
      cwd: app.makePath(),
      env,
    })
    const tablesAfterDown = listTables(file).filter(
      (name) => !name.startsWith('adonis_schema') && name !== 'sqlite_sequence'
    )
    assert.deepEqual(tablesAfterDown, [])
    await rm(file, { force: true })
  }).timeout(60_000)

  test('upgrading a database that holds data keeps it (users.last_login_at dropped in place)', async ({
    assert,
  }) => {
    const file = app.makePath('tmp/migrations-upgrade.sqlite3')
    await rm(file, { force: true })
    const env = {
      ...process.env,
      DB_CONNECTION: 'sqlite',
      SQLITE_FILE: 'tmp/migrations-upgrade.sqlite3',
    }
    const ace = (args: string[]) =>
      run(process.execPath, ['ace', ...args], { cwd: app.makePath(), env })
    /* a demo database from before migration 0800, with a merchant linked to a customer */
    await ace(['migration:run', '--force'])
    /* back to before 0800: every migration from 0800 on is rolled back */
    const since0800 = (await readdir(app.makePath('database/migrations'))).filter(
      (name) => /^\d{4}_.*\.ts$/.test(name) && name >= '0800'
    ).length
    await ace(['migration:rollback', `--step=${since0800}`, '--force'])
    const sqlite = new Database(file)
    const now = '2026-11-01 10:00:00'
    sqlite
      .prepare(
        "INSERT INTO customers (id, customer_number, company_name, street, postal_code, city, country, created_at, updated_at) VALUES (1, 'L1000001', 'Bäckerei Beispiel', 'Hauptstr. 1', '60311', 'Frankfurt', 'DE', ?, ?)"
      )
      .run(now, now)
    sqlite
      .prepare(
        "INSERT INTO users (id, email, password, locale, state, failed_login_count, last_login_at, created_at, updated_at) VALUES (1, 'inhaber@beispiel.de', 'x', 'de', 'active', 0, ?, ?, ?)"
      )
      .run(now, now, now)
    sqlite
      .prepare(
        "INSERT INTO customer_user (user_id, customer_id, role, proven_by, created_at) VALUES (1, 1, 'owner', 'registration', ?)"
      )
      .run(now)
    sqlite.close()

    await ace(['migration:run', '--force'])

    const after = new Database(file, { readonly: true })
    try {
      const columns = after.prepare('PRAGMA table_info(users)').all() as { name: string }[]
      assert.notInclude(
        columns.map((column) => column.name),
        'last_login_at'
      )
      assert.equal((after.prepare('SELECT COUNT(*) AS n FROM users').get() as any).n, 1)
      assert.equal((after.prepare('SELECT COUNT(*) AS n FROM customer_user').get() as any).n, 1)
    } finally {
      after.close()
      await rm(file, { force: true })
    }
  }).timeout(60_000)
})

function listTables(file: string) {
  const sqlite = new Database(file, { readonly: true })
  try {
    return sqlite
      .prepare("select name from sqlite_master where type = 'table'")
      .all()
      .map((row: any) => row.name as string)
  } finally {
    sqlite.close()
  }
}
