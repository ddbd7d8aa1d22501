/** The rows of a `rawQuery` result: mysql2 answers [rows, fields], better-sqlite3 the rows. */
export const rowsOf = (result: any): Record<string, any>[] =>
  Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result
