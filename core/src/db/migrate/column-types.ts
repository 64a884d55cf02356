/** A column type in PostgreSQL's canonical spelling (as `format_type()` prints it). */
export interface ColumnType {
  base: string
  length?: number
  precision?: number
  scale?: number
  array: boolean
  /** Canonical text, e.g. `character varying(200)`, `numeric(14,2)`. */
  text: string
}

const ALIASES: Record<string, string> = {
  int: 'integer',
  int4: 'integer',
  integer: 'integer',
  int8: 'bigint',
  bigint: 'bigint',
  int2: 'smallint',
  smallint: 'smallint',
  float8: 'double precision',
  float: 'double precision',
  'double precision': 'double precision',
  float4: 'real',
  real: 'real',
  bool: 'boolean',
  boolean: 'boolean',
  decimal: 'numeric',
  numeric: 'numeric',
  varchar: 'character varying',
  'character varying': 'character varying',
  char: 'character',
  character: 'character',
  bpchar: 'character',
  timestamptz: 'timestamp with time zone',
  'timestamp with time zone': 'timestamp with time zone',
  timestamp: 'timestamp without time zone',
  'timestamp without time zone': 'timestamp without time zone',
  timetz: 'time with time zone',
  'time with time zone': 'time with time zone',
  time: 'time without time zone',
  'time without time zone': 'time without time zone',
}

// Inlined into DDL, so anything outside this alphabet is refused rather than escaped.
const SAFE_TYPE = /^[a-z][a-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?(\[\])?$/

/**
 * Parses a column type as written in a definition or printed by PostgreSQL.
 * @example parseColumnType('varchar(200)').text // 'character varying(200)'
 */
export function parseColumnType(written: string): ColumnType {
  const src = written.trim().toLowerCase().replace(/\s+/g, ' ')
  if (!SAFE_TYPE.test(src)) throw new Error(`unsupported column type "${written}"`)
  const array = src.endsWith('[]')
  const body = array ? src.slice(0, -2).trim() : src
  const m = /^([a-z0-9_ ]+?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(body)
  const name = m?.[1] ?? body
  const base = ALIASES[name] ?? name
  const a = m?.[2] === undefined ? undefined : Number(m[2])
  const b = m?.[3] === undefined ? undefined : Number(m[3])
  const type: ColumnType = { base, array, text: '' }
  if (base === 'numeric' && a !== undefined) {
    type.precision = a
    type.scale = b ?? 0
  } else if (base === 'character varying' || base === 'character') {
    type.length = a ?? (base === 'character' ? 1 : undefined)
  }
  type.text = formatColumnType(type)
  return type
}

function formatColumnType(t: ColumnType): string {
  let s = t.base
  if (t.precision !== undefined) s += `(${t.precision},${t.scale ?? 0})`
  else if (t.length !== undefined) s += `(${t.length})`
  return t.array ? `${s}[]` : s
}

const INTEGER_RANK: Record<string, number> = { smallint: 1, integer: 2, bigint: 3 }
const INTEGER_DIGITS: Record<string, number> = { smallint: 5, integer: 10, bigint: 19 }
const STRING_TYPES = new Set(['text', 'character varying', 'character'])
const NUMBER_TYPES = new Set(['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision'])

export const isStringType = (t: ColumnType): boolean => !t.array && STRING_TYPES.has(t.base)
export const isNumberType = (t: ColumnType): boolean => !t.array && NUMBER_TYPES.has(t.base)
export const isIntegerType = (t: ColumnType): boolean => !t.array && t.base in INTEGER_RANK

export type TypeChange = 'same' | 'widen' | 'narrow' | 'incompatible'

/**
 * How a column's type change affects stored values: `widen` keeps every value,
 * `narrow` may truncate or reject some, `incompatible` converts between kinds.
 * @example compareColumnTypes(parseColumnType('varchar(50)'), parseColumnType('text')) // 'widen'
 */
export function compareColumnTypes(from: ColumnType, to: ColumnType): TypeChange {
  if (from.text === to.text) return 'same'
  if (from.array !== to.array) return 'incompatible'
  if (STRING_TYPES.has(from.base) && STRING_TYPES.has(to.base)) {
    if (to.base === 'character') return 'narrow'
    if (to.length === undefined) return 'widen'
    if (from.length === undefined) return 'narrow'
    return to.length >= from.length ? 'widen' : 'narrow'
  }
  const fromRank = INTEGER_RANK[from.base]
  const toRank = INTEGER_RANK[to.base]
  if (fromRank !== undefined && toRank !== undefined) return toRank > fromRank ? 'widen' : 'narrow'
  if (fromRank !== undefined && to.base === 'numeric') {
    if (to.precision === undefined) return 'widen'
    const digits = INTEGER_DIGITS[from.base] ?? 19
    return to.precision - (to.scale ?? 0) >= digits ? 'widen' : 'narrow'
  }
  if (from.base === 'numeric' && toRank !== undefined) return 'narrow'
  if (from.base === 'numeric' && to.base === 'numeric') {
    if (to.precision === undefined) return 'widen'
    if (from.precision === undefined) return 'narrow'
    const fs = from.scale ?? 0
    const ts = to.scale ?? 0
    return ts >= fs && to.precision - ts >= from.precision - fs ? 'widen' : 'narrow'
  }
  if (from.base === 'real' && to.base === 'double precision') return 'widen'
  if (from.base === 'double precision' && to.base === 'real') return 'narrow'
  return 'incompatible'
}
