import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'

/** A position in a list ordered by (column, id): its column value and id. */
export type KeysetPosition = { value: unknown; id: number }

/**
 * Keyset paging on (column, id), newest first: `after` the rows older than that
 * position, `before` the rows newer than it (ordered ascending; the caller reverses
 * them). Orders the query and adds the seek condition. Served by an index that
 * ends in (column, id).
 */
export function seekKeyset<Q extends DatabaseQueryBuilderContract<any>>(
  query: Q,
  column: string,
  idColumn: string,
  seek: { after?: KeysetPosition; before?: KeysetPosition }
): Q {
  const direction = seek.before ? 'asc' : 'desc'
  query.orderBy(column, direction).orderBy(idColumn, direction)
  const at = seek.after ?? seek.before
  if (at) {
    const [edge, strict] = seek.after ? (['<=', '<'] as const) : (['>=', '>'] as const)
    query
      .where(column, edge, at.value as any)
      .where((w) => w.where(column, strict, at.value as any).orWhere(idColumn, strict, at.id))
  }
  return query
}
