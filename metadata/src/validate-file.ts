/**
 * Applies the metaschema to one parsed file and turns Ajv's errors into readable
 * `{ path, message }` pairs that point at the offending keyword.
 */
import { Ajv2020 } from 'ajv/dist/2020.js'
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js'
import { metaschema } from './metaschema.js'
import { escapeToken, lastToken } from './pointer.js'
import type { RawFile } from './raw.js'

export interface PathMessage {
  path: string
  message: string
}

let compiled: ValidateFunction<RawFile> | undefined

function validator(): ValidateFunction<RawFile> {
  if (!compiled) {
    // verbose: errors carry the offending data and schema, used to list allowed values.
    const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true })
    compiled = ajv.compile<RawFile>(metaschema)
  }
  return compiled
}

/**
 * Check a parsed file against the metaschema.
 * @example validateFile({ 'x-extends': 'customer' }) // { ok: true, file, errors: [] }
 */
export function validateFile(
  raw: unknown,
): { ok: true; file: RawFile } | { ok: false; errors: PathMessage[] } {
  const validate = validator()
  if (validate(raw)) return { ok: true, file: raw }
  return { ok: false, errors: formatAjvErrors(validate.errors ?? []) }
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value)
}

function allowedKeys(parentSchema: unknown, onlyX: boolean): string[] {
  if (typeof parentSchema !== 'object' || parentSchema === null) return []
  const props: unknown = (parentSchema as { properties?: unknown }).properties
  if (typeof props !== 'object' || props === null) return []
  const keys = Object.keys(props)
  return onlyX ? keys.filter((k) => k.startsWith('x-')) : keys
}

function formatOne(e: ErrorObject): PathMessage | undefined {
  const params = e.params as Record<string, unknown>
  const path = e.instancePath
  const key = lastToken(path) || 'file'
  const propertyName = (e as ErrorObject & { propertyName?: string }).propertyName
  if (propertyName !== undefined) {
    return {
      path: `${path}/${escapeToken(propertyName)}`,
      message: `name "${propertyName}" is not allowed: names are camelCase (letters and digits, starting lower-case, at most 63 characters)`,
    }
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String(params.additionalProperty)
      const allowed = allowedKeys(e.parentSchema, extra.startsWith('x-'))
      const hint = allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : ''
      return { path: `${path}/${escapeToken(extra)}`, message: `unknown keyword "${extra}"${hint}` }
    }
    case 'required': {
      const missing = String(params.missingProperty)
      const isText = e.schemaPath.includes('localizedText')
      return {
        path: `${path}/${escapeToken(missing)}`,
        message: isText
          ? `${lastToken(path) || 'text'} must have both "en" and "zh-CN" texts: missing "${missing}"`
          : `missing required "${missing}"`,
      }
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => String(v)).join(', ')
      if (e.schemaPath.includes('typeName')) {
        return { path, message: `unknown type ${show(e.data)} (allowed: ${allowed})` }
      }
      return { path, message: `unknown ${key} ${show(e.data)} (allowed: ${allowed})` }
    }
    case 'const':
      return { path, message: `${key} must be ${show(params.allowedValue)}` }
    case 'pattern':
      if (key === 'x-column') {
        return {
          path,
          message: `x-column ${show(e.data)} is not an allowed SQL type (allowed: text, integer, bigint, smallint, boolean, date, timestamptz, jsonb, uuid, double precision, numeric(p,s), varchar(n))`,
        }
      }
      return { path, message: `${key} ${show(e.data)} must match ${String(params.pattern)}` }
    case 'type':
      if (path === '') return { path, message: 'the file must contain one JSON object' }
      return { path, message: `${key} must be ${String(params.type).replace(',', ' or ')}` }
    case 'uniqueItems':
      return { path, message: `${key} lists the same value twice` }
    default:
      return { path, message: `${key} ${e.message ?? 'is invalid'}` }
  }
}

/** Ajv reports some failures twice (the inner keyword, then the combinator); keep the useful one. */
export function formatAjvErrors(errors: ErrorObject[]): PathMessage[] {
  const kept = errors.filter((e) => {
    if (e.keyword === 'if' || e.keyword === 'propertyNames') return false
    if (e.keyword === 'anyOf') {
      return !errors.some(
        (o) => o !== e && o.keyword !== 'anyOf' && o.instancePath.startsWith(e.instancePath),
      )
    }
    return true
  })
  const out: PathMessage[] = []
  const seen = new Set<string>()
  for (const e of kept) {
    const pm = formatOne(e)
    if (!pm) continue
    const k = `${pm.path}\u0000${pm.message}`
    if (seen.has(k)) continue
    seen.add(k)
    out.push(pm)
  }
  return out
}
