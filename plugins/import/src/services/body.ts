import { BadRequest } from '@feathersjs/errors'

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
export const MAX_FILE_BYTES = 50 * 1024 * 1024

export const invalid = (path: string, message: string) =>
  new BadRequest(`Invalid import: ${path} ${message}`, { errors: [{ path: `/${path}`, message }] })

/** The body as an object whose keys are all in `allowed` (a 400 names the first other one). */
export function objectBody(data: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new BadRequest('Request body must be a JSON object', {
      errors: [{ path: '', message: 'must be an object' }],
    })
  for (const k of Object.keys(data)) if (!allowed.includes(k)) throw invalid(k, 'is not a known field')
  return data as Record<string, unknown>
}

/** A base64 part of a file, decoded. */
export function filePart(v: unknown, path: string): Buffer {
  if (typeof v !== 'string' || v.length === 0 || v.length % 4 !== 0 || !BASE64.test(v))
    throw invalid(path, 'must be the file (or a part of it) in base64')
  return Buffer.from(v, 'base64')
}

export function optionalBoolean(v: unknown, path: string): boolean {
  if (v === undefined) return false
  if (typeof v !== 'boolean') throw invalid(path, 'must be true or false')
  return v
}
