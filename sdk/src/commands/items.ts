/** CRUD commands on entity collections (`/api/<plural>`). Each is tree-shakeable on its own. */
import type { RestCommand } from '../rest.js'
import type { AnySchema, Collection, CreateOf, Page, PatchOf, PlumeSchema, Query, RowOf } from '../schema.js'

const itemPath = (collection: string, id?: number | string) =>
  `api/${encodeURIComponent(collection)}${id === undefined ? '' : `/${encodeURIComponent(String(id))}`}`

/**
 * A page of records matching a query.
 * @example await client.request(readItems('customers', { code: { $in: ['ACME', 'BETA'] }, $sort: { name: 1 }, $limit: 10 }))
 */
export function readItems<S extends PlumeSchema = AnySchema, C extends Collection<S> = Collection<S>>(
  collection: C,
  query: Query<RowOf<S, C>> = {},
): RestCommand<Page<RowOf<S, C>>, S> {
  return () => ({ method: 'GET', path: itemPath(collection), query: query as Record<string, unknown> })
}

/**
 * One record by id (404 when it does not exist or the caller may not see it).
 * @example const c = await client.request(readItem('customers', 7, { $select: ['code', 'name'] }))
 */
export function readItem<S extends PlumeSchema = AnySchema, C extends Collection<S> = Collection<S>>(
  collection: C,
  id: number | string,
  query: Pick<Query<RowOf<S, C>>, '$select'> = {},
): RestCommand<RowOf<S, C>, S> {
  return () => ({ method: 'GET', path: itemPath(collection, id), query: query as Record<string, unknown> })
}

/**
 * Creates a record; resolves with it as stored.
 * @example await client.request(createItem('customers', { code: 'ACME', name: 'Acme' }))
 */
export function createItem<S extends PlumeSchema = AnySchema, C extends Collection<S> = Collection<S>>(
  collection: C,
  data: CreateOf<S, C>,
  options: { idempotencyKey?: string } = {},
): RestCommand<RowOf<S, C>, S> {
  return () => ({
    method: 'POST',
    path: itemPath(collection),
    body: data,
    headers: options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : undefined,
  })
}

/**
 * Patches a record. Include `version` (the one you read) for optimistic concurrency: a stale
 * version rejects with a `PlumeError` of code 409.
 * @example await client.request(updateItem('customers', 7, { name: 'Acme Ltd', version: 1 }))
 */
export function updateItem<S extends PlumeSchema = AnySchema, C extends Collection<S> = Collection<S>>(
  collection: C,
  id: number | string,
  data: PatchOf<S, C>,
): RestCommand<RowOf<S, C>, S> {
  return () => ({ method: 'PATCH', path: itemPath(collection, id), body: data })
}

/**
 * Removes a record; resolves with it as it was.
 * @example await client.request(deleteItem('customers', 7))
 */
export function deleteItem<S extends PlumeSchema = AnySchema, C extends Collection<S> = Collection<S>>(
  collection: C,
  id: number | string,
): RestCommand<RowOf<S, C>, S> {
  return () => ({ method: 'DELETE', path: itemPath(collection, id) })
}

export { itemPath }
