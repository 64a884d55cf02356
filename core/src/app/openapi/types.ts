/** The shapes a service uses to describe itself in `/api/openapi.json` (see docs/plugins.md). */

/** A JSON value as OpenAPI and JSON Schema write it. */
export type Json = Record<string, unknown>

/** A Feathers service method as REST serves it. */
export type DocMethod = 'find' | 'get' | 'create' | 'update' | 'patch' | 'remove'

/** What one method takes and answers; every key is optional (a generic fallback fills the rest). */
export interface OperationDocs {
  summary?: string
  description?: string
  /** JSON Schema (`type: 'object'`) of the query string: each property becomes a query parameter. */
  query?: Json
  /** JSON Schema of the request body (create, update, patch). */
  body?: Json
  /** JSON Schema of the success answer. */
  result?: Json
  /** Other media types the success answer may take (a file download), each with its schema. */
  files?: Record<string, Json>
  /** Error answers besides the generic ones, by HTTP status: their description. */
  errors?: Record<number, string>
  /** `true`: callable without authentication. */
  public?: boolean
  /** update/patch/remove: `false` when the service is called without an id (`DELETE /api/authentication`). */
  item?: boolean
}

/**
 * A service's OpenAPI description, kept next to its registration as `service.docs` (the
 * Feathers convention, as in feathers-swagger).
 * @example app.use('api/ar', { find, docs: { tag: 'Finance', operations: { find: { summary: 'Receivables aging' } } } })
 */
export interface ServiceDocs {
  /** Group in the reference; defaults to the first path segment after `api/`. */
  tag?: string
  description?: string
  /** JSON Schemas added to `components.schemas` (refer to them as `#/components/schemas/<Name>`). */
  schemas?: Record<string, Json>
  /**
   * Properties a service adds to a component schema declared elsewhere (an entity's `OrderData`),
   * for a body field its hooks accept beside the entity's own (`lines` on `POST /api/orders`).
   */
  extends?: Record<string, Record<string, Json>>
  /** JSON Schema of the `:id` of get/update/patch/remove (default: a string). */
  id?: Json
  operations?: Partial<Record<DocMethod, OperationDocs>>
}
