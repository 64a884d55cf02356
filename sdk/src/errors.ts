/** Errors as the server sends them (Feathers error JSON), as typed objects. */

/** One problem with one field: `path` is a JSON pointer such as `/lines/0/quantity`. */
export interface FieldError {
  path: string
  message: string
}

/** The error JSON of the Plume API: `{name, message, code, className, errors?, data?}`. */
export interface PlumeErrorJson {
  name?: string
  message?: string
  code?: number
  className?: string
  errors?: unknown
  data?: unknown
}

const asFieldErrors = (errors: unknown): FieldError[] =>
  Array.isArray(errors)
    ? errors
        .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
        .map((e) => ({
          path: typeof e.path === 'string' ? e.path : '',
          message: typeof e.message === 'string' ? e.message : String(e.message ?? ''),
        }))
    : []

/**
 * An error answered by the server (or raised by the client with the same shape).
 * @example try { await client.request(updateItem('customers', 1, { name: 'X', version: 1 })) } catch (e) { if (isPlumeError(e) && e.code === 409) reload() }
 */
export class PlumeError extends Error {
  /** HTTP status: 400, 401, 403, 404, 409, 422, 429, 503 … (0 when the server was not reached). */
  readonly code: number
  /** Feathers class name: `bad-request`, `not-authenticated`, `conflict` … */
  readonly className: string
  /** Problems per field, with JSON-pointer paths. */
  readonly errors: FieldError[]
  /** Extra details the server sent (e.g. `{ reason: 'password-change-required' }`). */
  readonly data: unknown

  constructor(json: PlumeErrorJson, status = 0) {
    super(json.message || `Request failed${status ? ` with status ${status}` : ''}`)
    this.name = json.name || 'PlumeError'
    this.code = typeof json.code === 'number' ? json.code : status
    this.className = json.className ?? ''
    this.errors = asFieldErrors(json.errors)
    this.data = json.data
  }

  /**
   * Messages by field path.
   * @example e.fieldErrors() // { '/creditLimit': 'must be a decimal string' }
   */
  fieldErrors(): Record<string, string> {
    return Object.fromEntries(this.errors.map((e) => [e.path, e.message]))
  }

  /** The message for one field (`'/code'` or `'code'`), if the server named it. */
  fieldError(path: string): string | undefined {
    const p = path.startsWith('/') ? path : `/${path}`
    return this.errors.find((e) => e.path === p)?.message
  }

  toJSON(): PlumeErrorJson & { errors: FieldError[] } {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      className: this.className,
      errors: this.errors,
      data: this.data,
    }
  }
}

/**
 * Whether `e` is an error from the Plume API.
 * @example if (isPlumeError(e) && e.code === 400) showFieldErrors(e.fieldErrors())
 */
export const isPlumeError = (e: unknown): e is PlumeError => e instanceof PlumeError

/** A PlumeError from whatever a transport gave: error JSON, a socket error object, a text body. */
export function toPlumeError(body: unknown, status = 0): PlumeError {
  if (body instanceof PlumeError) return body
  if (typeof body === 'object' && body !== null) return new PlumeError(body as PlumeErrorJson, status)
  const text = typeof body === 'string' && body.length < 500 ? body : ''
  return new PlumeError({ name: 'PlumeError', message: text || undefined, code: status }, status)
}
