/**
 * Errors thrown by plugin code that is not the core's own: a Feathers error from another copy of
 * `@feathersjs/errors` (a plugin package bringing its own — `instanceof` fails across copies) is
 * recognised by its shape and rebuilt as the core's; anything else keeps its cause for the log.
 */
import { errors as feathersErrors, FeathersError, GeneralError } from '@feathersjs/errors'

interface ErrorShape {
  type?: unknown
  name?: unknown
  className?: unknown
  code?: unknown
  message?: unknown
  data?: unknown
  errors?: unknown
}

type ErrorClass = new (message: string, data?: unknown) => FeathersError
const CLASSES = feathersErrors as unknown as Record<string, ErrorClass | undefined>
/** A sample of each known class: the `className` and `code` a genuine one carries. */
const SAMPLES = new Map(
  Object.entries(CLASSES).flatMap(([name, Class]) => {
    if (!Class || typeof Class !== 'function') return []
    const e = new Class('')
    return e.name === name ? [[name, { Class, className: e.className, code: e.code }] as const] : []
  }),
)

const plainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

/**
 * The core's Feathers error for an error that has a Feathers error's shape but another module's
 * class: `type: 'FeathersError'`, a known `name` whose `className` and `code` agree with the core's
 * class of that name, a string message. Undefined for anything else (a forged or partial shape).
 * @example fromForeignFeathersError(new TheirBadRequest('Points must be positive')) // BadRequest, 400
 */
export function fromForeignFeathersError(err: unknown): FeathersError | undefined {
  if (err instanceof FeathersError || !(err instanceof Error)) return undefined
  const e = err as ErrorShape
  if (e.type !== 'FeathersError' || typeof e.name !== 'string' || typeof e.message !== 'string')
    return undefined
  const known = SAMPLES.get(e.name)
  if (!known || known.className !== e.className || known.code !== e.code) return undefined
  const data = plainObject(e.data) ? { ...e.data } : {}
  if (Array.isArray(e.errors) && data.errors === undefined) data.errors = e.errors
  return new known.Class(e.message, Object.keys(data).length > 0 ? data : undefined)
}

/** A 500 that keeps what caused it (for the server's log, never for the client). */
export function internalError(cause: unknown): GeneralError {
  const ge = new GeneralError('Internal error')
  Object.defineProperty(ge, 'cause', { value: cause, enumerable: false })
  return ge
}

/** What a 500 should be logged as: its cause when it has one. */
export const causeOf = (err: unknown): unknown =>
  err instanceof FeathersError && (err as { cause?: unknown }).cause !== undefined
    ? (err as { cause?: unknown }).cause
    : err
