/**
 * The builder's field types and how each maps onto an entity definition property (docs/metadata.md:
 * `type`, `format`, `x-type`, `x-ref`, `x-ui.widget`), both ways: a builder field becomes a property,
 * and a stored property is recognised as the builder type that made it (or `other`, kept as it is).
 */
import type { LocalizedText } from '../../../types/meta'

export type FieldKind =
  | 'text'
  | 'number'
  | 'money'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'enum'
  | 'boolean'
  | 'relation'
  | 'json'
  | 'email'
  | 'phone'
  | 'url'
  | 'address'
  | 'other'

/** A property of an entity definition file (JSON Schema plus `x-` keywords). */
export type RawProperty = Record<string, unknown>

/** What the builder edits for one field. */
export interface BuilderField {
  name: string
  kind: FieldKind
  required: boolean
  unique: boolean
  label: LocalizedText
  help: LocalizedText
  /** enum: the values with their labels. */
  values: Array<{ value: string; label: LocalizedText }>
  /** relation: the entity referred to. */
  target: string
  minimum?: number
  maximum?: number
  maxLength?: number
  /** As typed; converted to the field's type when built (empty = no default). */
  defaultValue: string
  widget: string
  widgetOptions: Record<string, unknown>
  /** Keywords the builder does not edit, kept as they were (and the whole property of an `other` field). */
  rest: RawProperty
}

export interface KindInfo {
  kind: Exclude<FieldKind, 'other'>
  label: LocalizedText
  /** The widget the form picks for it (admin-ui/src/widgets). */
  widget: string
  bounds: 'number' | 'length' | 'none'
}

export const FIELD_KINDS: KindInfo[] = [
  { kind: 'text', label: { en: 'Text', 'zh-CN': '文本' }, widget: 'text', bounds: 'length' },
  { kind: 'number', label: { en: 'Number', 'zh-CN': '数字' }, widget: 'number', bounds: 'number' },
  { kind: 'money', label: { en: 'Money', 'zh-CN': '金额' }, widget: 'money', bounds: 'none' },
  { kind: 'percent', label: { en: 'Percent', 'zh-CN': '百分比' }, widget: 'percent', bounds: 'none' },
  { kind: 'date', label: { en: 'Date', 'zh-CN': '日期' }, widget: 'date', bounds: 'none' },
  {
    kind: 'datetime',
    label: { en: 'Date and time', 'zh-CN': '日期时间' },
    widget: 'datetime',
    bounds: 'none',
  },
  { kind: 'enum', label: { en: 'Choice list', 'zh-CN': '选项列表' }, widget: 'enum', bounds: 'none' },
  { kind: 'boolean', label: { en: 'Yes / no', 'zh-CN': '是/否' }, widget: 'boolean', bounds: 'none' },
  {
    kind: 'relation',
    label: { en: 'Relation to another entity', 'zh-CN': '关联其他实体' },
    widget: 'relation',
    bounds: 'none',
  },
  { kind: 'json', label: { en: 'JSON', 'zh-CN': 'JSON' }, widget: 'json', bounds: 'none' },
  { kind: 'email', label: { en: 'E-mail', 'zh-CN': '电子邮件' }, widget: 'text', bounds: 'none' },
  { kind: 'phone', label: { en: 'Phone', 'zh-CN': '电话' }, widget: 'text', bounds: 'none' },
  { kind: 'url', label: { en: 'URL', 'zh-CN': '网址' }, widget: 'text', bounds: 'none' },
  { kind: 'address', label: { en: 'Address', 'zh-CN': '地址' }, widget: 'textarea', bounds: 'none' },
]

export const kindInfo = (kind: FieldKind): KindInfo | undefined => FIELD_KINDS.find((k) => k.kind === kind)

export const PHONE_PATTERN = '^\\+?[0-9 ()\\-]{3,32}$'
/** Keywords the builder owns; everything else of a property is kept in `rest` (`x-ui` too: its other hints stay). */
const OWNED = [
  'type',
  'format',
  'x-type',
  'x-ref',
  'x-unique',
  'enum',
  'minimum',
  'maximum',
  'maxLength',
  'default',
  'pattern',
]
const NAME = /^[a-z][a-zA-Z0-9]{0,62}$/

export const validFieldName = (name: string): boolean => NAME.test(name)

/** A deep copy of JSON data (also of Vue's reactive proxies, which structuredClone refuses). */
export const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T

const typeList = (t: unknown): string[] => (Array.isArray(t) ? t.map(String) : [String(t)])
const baseType = (p: RawProperty): string => typeList(p.type).find((x) => x !== 'null') ?? 'string'

/** The builder kind of a stored property. */
export function kindOf(p: RawProperty): FieldKind {
  const t = baseType(p)
  const ui = (p['x-ui'] ?? {}) as { widget?: string }
  if (p['x-ref']) return 'relation'
  if (p['x-type'] === 'money') return 'money'
  if (p['x-type'] === 'percent') return 'percent'
  if (p['x-type'] === 'json' || t === 'object') return 'json'
  if (Array.isArray(p.enum)) return 'enum'
  if (t === 'boolean') return 'boolean'
  if (t === 'number' || t === 'integer') return 'number'
  if (t !== 'string') return 'other'
  if (p.format === 'date') return 'date'
  if (p.format === 'date-time') return 'datetime'
  if (p.format === 'email') return 'email'
  if (p.format === 'uri') return 'url'
  if (p.pattern === PHONE_PATTERN) return 'phone'
  if (p['x-type'] === 'text' && ui.widget === 'textarea') return 'address'
  if (p.format === undefined && p['x-type'] === undefined) return 'text'
  return 'other'
}

const emptyText = (): LocalizedText => ({ en: '', 'zh-CN': '' })

/** A builder field for a stored property. */
export function fromProperty(name: string, p: RawProperty, required: boolean): BuilderField {
  const ui = (p['x-ui'] ?? {}) as {
    label?: LocalizedText
    help?: LocalizedText
    widget?: string
    widgetOptions?: Record<string, unknown>
    enumLabels?: Record<string, LocalizedText>
  }
  const kind = kindOf(p)
  const rest: RawProperty = {}
  for (const [k, v] of Object.entries(p)) if (kind === 'other' || !OWNED.includes(k)) rest[k] = v
  if (kind === 'other' || kind === 'number') rest.type = p.type
  return {
    name,
    kind,
    required,
    unique: p['x-unique'] === true,
    label: { ...emptyText(), ...ui.label },
    help: { ...emptyText(), ...ui.help },
    values: Array.isArray(p.enum)
      ? p.enum.map((v) => ({ value: String(v), label: { ...emptyText(), ...ui.enumLabels?.[String(v)] } }))
      : [],
    target: String((p['x-ref'] as { entity?: string } | undefined)?.entity ?? ''),
    minimum: typeof p.minimum === 'number' ? p.minimum : undefined,
    maximum: typeof p.maximum === 'number' ? p.maximum : undefined,
    maxLength: typeof p.maxLength === 'number' ? p.maxLength : undefined,
    defaultValue:
      p.default === undefined || p.default === null
        ? ''
        : typeof p.default === 'string'
          ? p.default
          : JSON.stringify(p.default),
    widget: ui.widget ?? '',
    widgetOptions: { ...ui.widgetOptions },
    rest: clone(rest),
  }
}

/** A new, empty field of `kind`. */
export function newField(kind: Exclude<FieldKind, 'other'> = 'text'): BuilderField {
  return {
    name: '',
    kind,
    required: false,
    unique: false,
    label: emptyText(),
    help: emptyText(),
    values: [],
    target: '',
    maxLength: kind === 'text' ? 200 : undefined,
    defaultValue: '',
    widget: '',
    widgetOptions: {},
    rest: {},
  }
}

const typed = (t: string, nullable: boolean): string | string[] => (nullable ? [t, 'null'] : t)
const filled = (t: LocalizedText): boolean => !!(t.en.trim() || t['zh-CN'].trim())

function defaultOf(f: BuilderField, type: string): unknown {
  const d = f.defaultValue.trim()
  if (d === '') return undefined
  if (type === 'boolean') return d === 'true'
  if (type === 'number' || type === 'integer') return Number(d)
  if (f.kind === 'json') return JSON.parse(d) as unknown
  return d
}

/** The stored property for a builder field (nullable unless required). */
export function toProperty(f: BuilderField): RawProperty {
  if (f.kind === 'other') return clone(f.rest)
  const nullable = !f.required
  const p: RawProperty = { ...clone(f.rest) }
  const numberType = f.kind === 'number' ? baseType({ type: f.rest.type ?? 'number' }) : 'number'
  const set: Record<Exclude<FieldKind, 'other'>, () => void> = {
    text: () => Object.assign(p, { type: typed('string', nullable) }),
    number: () => Object.assign(p, { type: typed(numberType, nullable) }),
    money: () => Object.assign(p, { type: typed('string', nullable), 'x-type': 'money' }),
    percent: () => Object.assign(p, { type: typed('string', nullable), 'x-type': 'percent' }),
    date: () => Object.assign(p, { type: typed('string', nullable), format: 'date' }),
    datetime: () => Object.assign(p, { type: typed('string', nullable), format: 'date-time' }),
    enum: () => Object.assign(p, { type: typed('string', nullable), enum: f.values.map((v) => v.value) }),
    boolean: () => Object.assign(p, { type: typed('boolean', nullable) }),
    relation: () => Object.assign(p, { type: typed('integer', nullable), 'x-ref': { entity: f.target } }),
    json: () => Object.assign(p, { type: typed('object', nullable), 'x-type': 'json' }),
    email: () => Object.assign(p, { type: typed('string', nullable), format: 'email', maxLength: 254 }),
    phone: () => Object.assign(p, { type: typed('string', nullable), maxLength: 32, pattern: PHONE_PATTERN }),
    url: () => Object.assign(p, { type: typed('string', nullable), format: 'uri', maxLength: 2000 }),
    address: () => Object.assign(p, { type: typed('string', nullable), 'x-type': 'text' }),
  }
  set[f.kind]()
  const bounds = kindInfo(f.kind)?.bounds
  if (bounds === 'number') {
    if (f.minimum !== undefined) p.minimum = f.minimum
    if (f.maximum !== undefined) p.maximum = f.maximum
  }
  if (bounds === 'length' && f.maxLength !== undefined) p.maxLength = f.maxLength
  if (f.unique) p['x-unique'] = true
  const dflt = defaultOf(f, baseType(p))
  if (dflt !== undefined) p.default = dflt
  const ui: Record<string, unknown> = { ...(f.rest['x-ui'] as object | undefined), label: { ...f.label } }
  for (const k of ['help', 'widget', 'widgetOptions', 'enumLabels']) delete ui[k]
  if (filled(f.help)) ui.help = { ...f.help }
  const widget = f.widget || (f.kind === 'address' ? 'textarea' : '')
  if (widget) ui.widget = widget
  if (Object.keys(f.widgetOptions).length) ui.widgetOptions = { ...f.widgetOptions }
  const labelled = f.values.filter((v) => filled(v.label))
  if (f.kind === 'enum' && labelled.length)
    ui.enumLabels = Object.fromEntries(labelled.map((v) => [v.value, { ...v.label }]))
  p['x-ui'] = ui
  return p
}

/** What is wrong with a field before it goes to the server (keys of the builder's messages). */
export function fieldProblems(f: BuilderField, taken: readonly string[]): string[] {
  const out: string[] = []
  if (!validFieldName(f.name)) out.push('badName')
  else if (taken.includes(f.name)) out.push('nameTaken')
  if (!f.label.en.trim() || !f.label['zh-CN'].trim()) out.push('labelBoth')
  if (f.kind === 'relation' && !f.target) out.push('pickEntity')
  if (f.kind === 'enum' && (f.values.length === 0 || f.values.some((v) => !v.value.trim())))
    out.push('enumValues')
  if (f.minimum !== undefined && f.maximum !== undefined && f.minimum > f.maximum) out.push('bounds')
  if (f.kind === 'json' && f.defaultValue.trim()) {
    try {
      JSON.parse(f.defaultValue)
    } catch {
      out.push('badJson')
    }
  }
  return out
}
