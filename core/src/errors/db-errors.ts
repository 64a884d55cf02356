import { BadRequest, Conflict, FeathersError, Unavailable } from '@feathersjs/errors'
import { fromForeignFeathersError, internalError } from './foreign.js'

interface PgLikeError {
  code?: string
  constraint?: string
  column?: string
  detail?: string
  table?: string
}

const isPgError = (e: unknown): e is PgLikeError & Error =>
  e instanceof Error &&
  typeof (e as PgLikeError).code === 'string' &&
  /^[0-9A-Z]{5}$/.test((e as PgLikeError).code ?? '')

/**
 * SQLSTATE of a business conflict raised by the database itself, e.g. by a trigger that settles
 * work at commit. Its DETAIL is JSON written for clients: `{"message": "…", "data": {…}}`
 * (`raise exception using errcode = 'PC409', message = m, detail = json_build_object('message', m, 'data', …)`);
 * it becomes a 409 with that message and data. (The message itself is not used: drivers prefix it with SQL.)
 */
export const DB_CONFLICT = 'PC409'

function dbConflict(detail: string | undefined): Conflict {
  let parsed: { message?: unknown; data?: unknown } | undefined
  try {
    parsed = detail ? (JSON.parse(detail) as typeof parsed) : undefined
  } catch {
    parsed = undefined
  }
  const message =
    typeof parsed?.message === 'string'
      ? parsed.message
      : 'The change conflicts with the current state of the data'
  const data =
    parsed?.data && typeof parsed.data === 'object' && !Array.isArray(parsed.data)
      ? (parsed.data as Record<string, unknown>)
      : undefined
  return new Conflict(message, data)
}

/** Constraint names follow `<table>_<column>_…`; map them back to a field name when we can. */
function fieldFromConstraint(err: PgLikeError, fields: readonly string[]): string | undefined {
  if (err.column) return err.column
  const name = err.constraint ?? ''
  const keyMatch = /Key \(([^)]+)\)/.exec(err.detail ?? '')
  if (keyMatch?.[1]) return keyMatch[1].split(',')[0]?.trim().replace(/"/g, '')
  return fields.find((f) => name.includes(`_${f}_`) || name.endsWith(`_${f}`))
}

/** SQLSTATE classes and codes of a database that is going away, restarting or full of connections. */
const UNAVAILABLE_CODES = /^(08...|57P0[1-3]|53300)$/
/** What the driver and the pool say when the connection is lost or none can be had. */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|Connection ended unexpectedly|not queryable|Timeout acquiring a connection|ECONNREFUSED|ECONNRESET/

/**
 * A lost or refused database connection: nothing the client did wrong, and a retry may succeed.
 * The transaction it was in is gone (PostgreSQL rolls it back), so nothing was half-written.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false
  const code = (err as { code?: unknown }).code
  return (
    (typeof code === 'string' &&
      (UNAVAILABLE_CODES.test(code) || code === 'ECONNREFUSED' || code === 'ECONNRESET')) ||
    UNAVAILABLE_MESSAGES.test(err.message)
  )
}

/**
 * Turns a database error into a Feathers error that is safe to show to a client: no SQL, no
 * table internals, just the field and what is wrong.
 * @example throw toClientError(err, ['email', 'code'])
 */
export function toClientError(err: unknown, fields: readonly string[] = []): FeathersError {
  if (err instanceof FeathersError) return err
  const foreign = fromForeignFeathersError(err)
  if (foreign) return foreign
  if (isDatabaseUnavailable(err))
    return new Unavailable('The database is not available right now; please retry')
  // a plain Error (a plugin's bug): a bare 500 for the client, its message and stack for the log
  if (!isPgError(err)) return internalError(err)
  const field = fieldFromConstraint(err, fields)
  const path = field ? `/${field}` : ''
  switch (err.code) {
    case '23505':
      return new Conflict(`${field ?? 'A value'} must be unique: a record with this value already exists`, {
        errors: [{ path, message: 'must be unique' }],
      })
    case '23503':
      return new Conflict(
        field
          ? `${field} refers to a record that does not exist or is still referenced`
          : 'Record is referenced by other records',
        { errors: [{ path, message: 'reference violation' }] },
      )
    case '23514':
      return new BadRequest(`${field ?? 'A value'} is out of the allowed range`, {
        errors: [{ path, message: 'violates a check constraint' }],
      })
    case '23502':
      return new BadRequest(`${field ?? 'A field'} is required`, {
        errors: [{ path, message: 'must not be null' }],
      })
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
    case '22001':
      return new BadRequest(`Invalid value${field ? ` for ${field}` : ''}`, {
        errors: [{ path, message: 'invalid value' }],
      })
    case DB_CONFLICT:
      return dbConflict(err.detail)
    case '40001':
    case '40P01':
      return new Conflict('The record was changed concurrently, please retry')
    default:
      return internalError(err)
  }
}
