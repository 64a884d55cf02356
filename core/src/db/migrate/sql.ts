import { createHash } from 'node:crypto'

/** Double-quotes an identifier (`orderLine` → `"orderLine"`). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

/**
 * A value as an SQL literal (DDL cannot take bind parameters). Strings holding `?` or `\` are
 * written as `U&'…'` escapes, because knex turns every bare `?` of a raw query into a parameter.
 * @example literal("it's") // 'it''s'
 */
export function literal(value: string | number | boolean): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot use ${value} as an SQL literal`)
    return String(value)
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  const quoted = value.replace(/'/g, "''")
  if (!/[?\\]/.test(value)) return `'${quoted}'`
  return `U&'${quoted.replace(/\\/g, '\\005C').replace(/\?/g, '\\003F')}'`
}

/** A default value from a definition as an SQL expression; objects and arrays become jsonb. */
export function defaultLiteral(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return literal(value)
  }
  if (typeof value === 'object') return `${literal(JSON.stringify(value))}::jsonb`
  throw new Error(`unsupported default value of type ${typeof value}`)
}

export function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length)
}

const MAX_IDENTIFIER = 63

/**
 * A deterministic object name, cut to PostgreSQL's 63 characters with a hash of the full
 * name so that two long names never collide.
 * @example objectName('orders', 'status', 'check_enum') // 'orders_status_check_enum'
 */
export function objectName(...parts: string[]): string {
  const full = parts.join('_')
  if (full.length <= MAX_IDENTIFIER) return full
  return `${full.slice(0, MAX_IDENTIFIER - 9)}_${shortHash(full)}`
}

/** Reads a `count(*)` (a string on `pg`, a number on PGlite) as a number. */
export function toCount(value: unknown): number {
  if (typeof value === 'number') return value
  if (typeof value === 'string' || typeof value === 'bigint') return Number(value)
  return 0
}

/** Rows of a `knex.raw` result (same shape on `pg` and PGlite). */
export function rowsOf(result: unknown): Array<Record<string, unknown>> {
  if (result && typeof result === 'object' && 'rows' in result && Array.isArray(result.rows)) {
    return result.rows as Array<Record<string, unknown>>
  }
  return []
}

/**
 * Rewrites an SQL expression read from the catalog so knex does not take its `?` for a
 * parameter: plain string literals holding `?` or `\` become `U&'…'` literals. Returns
 * undefined when that is not possible (a `?` outside a plain literal).
 * @example withoutPlaceholders("'why?'::text") // "U&'why\\003F'::text"
 */
export function withoutPlaceholders(expr: string): string | undefined {
  let out = ''
  let i = 0
  while (i < expr.length) {
    const ch = expr[i]
    if (ch !== "'") {
      if (ch === '?') return undefined
      out += ch
      i++
      continue
    }
    let j = i + 1
    let body = ''
    for (;;) {
      const c = expr[j]
      if (c === undefined) return undefined
      if (c === "'") {
        if (expr[j + 1] !== "'") break
        body += "''"
        j += 2
        continue
      }
      body += c
      j++
    }
    const prefixed = /[A-Za-z&]$/.test(out)
    if (/[?\\]/.test(body)) {
      if (prefixed) return undefined
      out += `U&'${body.replace(/\\/g, '\\005C').replace(/\?/g, '\\003F')}'`
    } else {
      out += expr.slice(i, j + 1)
    }
    i = j + 1
  }
  return out
}
