import type { DateTime } from 'luxon'

/** The rows of a `rawQuery` result: mysql2 answers [rows, fields], better-sqlite3 the rows. */
export const rowsOf = (result: any): Record<string, any>[] =>
  Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result

/** The DB's DATETIME text for a UTC instant (a bound value in hand-written SQL, not a model column). */
export const sqlTime = (value: DateTime) =>
  new Date(value.toMillis()).toISOString().slice(0, 19).replace('T', ' ')
