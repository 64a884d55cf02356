import type { FieldError } from '../types/meta'
import type { ApiError } from './client'
import { locale } from '../i18n'
import { errorText, type CodeLabel } from './error-text'

/** The field a JSON pointer names: `/address/city` → `address`, `/a~1b` → `a/b`. */
export function pointerField(path: unknown): string {
  const first =
    String(path ?? '')
      .replace(/^\//, '')
      .split('/')[0] ?? ''
  return first.replace(/~1/g, '/').replace(/~0/g, '~')
}

/**
 * A server error (`400` with `errors[]`) mapped onto a form: messages for the fields on the form,
 * and the rest (`/version`, fields not shown, the whole record) as text for the form's alert.
 * @example formErrors({ errors: [{ path: '/name', message: 'is required' }, { path: '', message: 'bad' }] }, ['name'])
 *   // { fields: { name: 'is required' }, other: ['bad'] }
 */
export function formErrors(
  err: unknown,
  onForm: readonly string[],
): { fields: Record<string, string>; other: string[] } {
  const list = (err as ApiError | undefined)?.errors
  const fields: Record<string, string> = {}
  const other: string[] = []
  if (!Array.isArray(list)) return { fields, other }
  for (const e of list as FieldError[]) {
    const field = pointerField(e.path)
    const message = String(e.message ?? '')
    if (field && onForm.includes(field)) {
      if (!fields[field]) fields[field] = message
    } else other.push(field ? `${field} ${message}` : message)
  }
  return { fields, other }
}

/** A message to show for any error, in the screen's language (see error-text.ts). */
export function errorMessage(err: unknown, label?: CodeLabel): string {
  return errorText(err, locale.value, label)
}

export const errorCode = (err: unknown): number | undefined => (err as ApiError | undefined)?.code
