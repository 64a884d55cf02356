/** Object input (e.g. an address): one text box per declared part. */

/**
 * The object after one part changed: empty parts are left out, and an object with no parts left is
 * `null` for a nullable field, else `{}`.
 * @example setPart({ city: 'Hangzhou' }, 'street', '1 Main St', true) // { city: 'Hangzhou', street: '1 Main St' }
 */
export function setPart(
  current: unknown,
  name: string,
  text: string,
  nullable: boolean,
): Record<string, unknown> | null {
  const base =
    current && typeof current === 'object' && !Array.isArray(current)
      ? (current as Record<string, unknown>)
      : {}
  const next: Record<string, unknown> = { ...base, [name]: text === '' ? null : text }
  const kept = Object.fromEntries(Object.entries(next).filter(([, x]) => x !== null && x !== ''))
  return Object.keys(kept).length === 0 ? (nullable ? null : {}) : kept
}
