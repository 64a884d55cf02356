/** JSON Pointer (RFC 6901) helpers for error paths. */

/** Escape one reference token: `a/b` → `a~1b`. */
export function escapeToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1')
}

/**
 * Build a pointer from tokens.
 * @example pointer('properties', 'partnerId', 'x-ref', 'entity') // '/properties/partnerId/x-ref/entity'
 */
export function pointer(...tokens: Array<string | number>): string {
  return tokens.map((t) => '/' + escapeToken(t)).join('')
}

/** Last token of a pointer, unescaped (`''` for the root). */
export function lastToken(ptr: string): string {
  const i = ptr.lastIndexOf('/')
  return i < 0
    ? ''
    : ptr
        .slice(i + 1)
        .replace(/~1/g, '/')
        .replace(/~0/g, '~')
}
