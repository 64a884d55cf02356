/** JSON input: text the user edits, parsed on every change; bad JSON keeps the last good value. */

export type JsonParse = { ok: true; value: unknown } | { ok: false }

/** The stored value as the text to edit (pretty-printed). */
export const jsonShown = (v: unknown): string =>
  v === null || v === undefined ? '' : JSON.stringify(v, null, 2)

/**
 * Parses what the user typed: empty is `null` for a nullable field, else `undefined` (left out).
 * @example parseJsonText('{"a":1}', false) // { ok: true, value: { a: 1 } }
 */
export function parseJsonText(text: string, nullable: boolean): JsonParse {
  if (text.trim() === '') return { ok: true, value: nullable ? null : undefined }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false }
  }
}

/** Whether the text already shows `value` (so an outside change does not overwrite the user's typing). */
export function showsValue(text: string, value: unknown): boolean {
  const parsed = parseJsonText(text, true)
  return parsed.ok && JSON.stringify(parsed.value ?? null) === JSON.stringify(value ?? null)
}
