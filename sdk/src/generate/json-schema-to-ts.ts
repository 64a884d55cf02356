/**
 * A small JSON Schema → TypeScript converter for the schemas Plume's OpenAPI document uses:
 * `type` (also as a list with `null`), `enum`, `const`, `properties`/`required`,
 * `additionalProperties`, `items`, `oneOf`/`anyOf`/`allOf` and `$ref` to `components/schemas`.
 * Anything else is `unknown` — a safe widening, never a wrong narrowing.
 */

export type JsonSchema = { [key: string]: unknown }

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/
const isSchema = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v)

/** `code` or `'zh-CN'`: a property key as TypeScript writes it. */
export const propertyKey = (name: string) => (IDENT.test(name) ? name : JSON.stringify(name))

/** `#/components/schemas/Customer` → `Customer` (names are made safe identifiers). */
export const refName = (ref: string) => typeName(ref.replace(/^#\/components\/schemas\//, ''))

/** A safe PascalCase type name. */
export const typeName = (s: string) => {
  const n = s.replace(/[^A-Za-z0-9_$]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())
  return /^[A-Za-z_$]/.test(n) ? n.charAt(0).toUpperCase() + n.slice(1) : `T${n}`
}

const comment = (s: JsonSchema, indent: string): string => {
  const text = typeof s.description === 'string' ? s.description : ''
  const deprecated = s.deprecated === true
  if (!text && !deprecated) return ''
  const lines = [text.replace(/\*\//g, '*\\/'), deprecated ? '@deprecated' : ''].filter(Boolean)
  return `${indent}/** ${lines.join(' ')} */\n`
}

const union = (parts: string[]) => {
  const unique = [...new Set(parts)]
  return unique.length === 0 ? 'never' : unique.join(' | ')
}

function objectType(s: JsonSchema, indent: string): string {
  const props = isSchema(s.properties) ? s.properties : {}
  const required = new Set(
    Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : [],
  )
  const inner = `${indent}  `
  const lines = Object.entries(props).map(([name, ps]) => {
    const p = isSchema(ps) ? ps : {}
    const ro = p.readOnly === true ? 'readonly ' : ''
    return `${comment(p, inner)}${inner}${ro}${propertyKey(name)}${required.has(name) ? '' : '?'}: ${toTs(p, inner)}`
  })
  const extra = s.additionalProperties
  if (extra === true || (extra === undefined && lines.length === 0))
    lines.push(`${inner}[key: string]: unknown`)
  else if (isSchema(extra)) lines.push(`${inner}[key: string]: ${toTs(extra, inner)}`)
  return lines.length ? `{\n${lines.join('\n')}\n${indent}}` : '{}'
}

function ofType(t: string, s: JsonSchema, indent: string): string {
  switch (t) {
    case 'string':
      return 'string'
    case 'integer':
    case 'number':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'null':
      return 'null'
    case 'array':
      return isSchema(s.items) ? `Array<${toTs(s.items, indent)}>` : 'unknown[]'
    case 'object':
      return objectType(s, indent)
    default:
      return 'unknown'
  }
}

/**
 * The TypeScript type of a schema.
 * @example toTs({ type: ['string', 'null'], enum: ['a', 'b', null] }) // '"a" | "b" | null'
 */
export function toTs(s: JsonSchema, indent = ''): string {
  // refs inside a schema (`#/$defs/…`) are not resolved here: widened to unknown
  if (typeof s.$ref === 'string')
    return s.$ref.startsWith('#/components/schemas/') ? refName(s.$ref) : 'unknown'
  if ('const' in s) return JSON.stringify(s.const)
  if (Array.isArray(s.enum)) return union(s.enum.map((v) => JSON.stringify(v)))
  for (const key of ['oneOf', 'anyOf'] as const) {
    const list = s[key]
    if (Array.isArray(list)) return union(list.filter(isSchema).map((x) => toTs(x, indent)))
  }
  if (Array.isArray(s.allOf))
    return (
      s.allOf
        .filter(isSchema)
        .map((x) => `(${toTs(x, indent)})`)
        .join(' & ') || 'unknown'
    )
  const types = Array.isArray(s.type)
    ? s.type.filter((t): t is string => typeof t === 'string')
    : typeof s.type === 'string'
      ? [s.type]
      : []
  if (types.length === 0) return isSchema(s.properties) ? objectType(s, indent) : 'unknown'
  return union(types.map((t) => ofType(t, s, indent)))
}

/** `export interface Name {…}` for an object schema, else `export type Name = …`. */
export function declaration(name: string, s: JsonSchema): string {
  const body = toTs(s)
  const doc = comment(
    { description: typeof s.title === 'string' && !s.description ? s.title : s.description },
    '',
  )
  return body.startsWith('{') && !body.includes('\n} |')
    ? `${doc}export interface ${name} ${body}\n`
    : `${doc}export type ${name} = ${body}\n`
}
