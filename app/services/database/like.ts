/*
| LIKE that takes a person's search text literally, the same on MariaDB and SQLite.
| `%`, `_` and the escape character are escaped with `!`, and the ESCAPE clause is
| written out: SQLite has no default escape character (a backslash-escaped `_` there
| matches nothing, so `max_muster@…` would not be found), and MariaDB's default `\`
| is spelled differently in the two dialects' string literals; `!` is the same in both.
*/
const ESCAPED = /[!%_]/g
const CLAUSE = "?? LIKE ? ESCAPE '!'"

/** The query builders the portal uses (Lucid's database and model builders, knex): raw WHEREs. */
type Filterable<Q> = {
  whereRaw(sql: string, bindings: string[]): Q
  orWhereRaw(sql: string, bindings: string[]): Q
}

function literal(term: string) {
  return term.replace(ESCAPED, (c) => `!${c}`)
}

export const Like = {
  /** A pattern for values containing the term. */
  containing: (term: string) => `%${literal(term)}%`,
  /** A pattern for values starting with the term. */
  startingWith: (term: string) => `${literal(term)}%`,

  /** `column LIKE pattern` (a pattern from `containing` or `startingWith`). */
  where<Q extends Filterable<Q>>(query: Q, column: string, pattern: string): Q {
    return query.whereRaw(CLAUSE, [column, pattern])
  },

  /** The same as an OR branch. */
  orWhere<Q extends Filterable<Q>>(query: Q, column: string, pattern: string): Q {
    return query.orWhereRaw(CLAUSE, [column, pattern])
  },
}
