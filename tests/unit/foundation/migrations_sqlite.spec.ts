import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { rm } from 'node:fs/promises'
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
