import type { FieldError } from '../types/meta'
import type { ApiError } from './client'

/** The field errors of a server error (`errors: [{path: '/name', message}]`), keyed by field. */
export function fieldErrors(err: unknown): Record<string, string> {
  const list = (err as ApiError | undefined)?.errors
  const out: Record<string, string> = {}
  if (!Array.isArray(list)) return out
  for (const e of list as FieldError[]) {
    const field = String(e.path ?? '').replace(/^\//, '').split('/')[0] ?? ''
    if (field && !out[field]) out[field] = e.message
  }
  return out
}

/** A message to show for any error. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message
  if (typeof err === 'object' && err && 'message' in err) return String((err as { message: unknown }).message)
  return String(err)
}

export const errorCode = (err: unknown): number | undefined => (err as ApiError | undefined)?.code
