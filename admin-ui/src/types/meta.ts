/** What `GET /api/meta` returns (mirrors core/src/app/meta-service.ts; types only, no server code). */
export interface LocalizedText {
  en: string
  'zh-CN': string
}

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array'
export type SemanticType = 'money' | 'percent' | 'quantity' | 'text' | 'json'

export interface FieldUi {
  label?: LocalizedText
  widget?: string
  group?: string
  help?: LocalizedText
  hidden?: boolean
  /** The widget's options (`x-ui.widgetOptions`), edited in the builder through the widget's Options.vue. */
  widgetOptions?: Record<string, string | number | boolean>
  /** Display text per enum value (`x-ui.enumLabels`), keyed by the value as a string. */
  enumLabels?: Record<string, LocalizedText>
}

export interface FieldMeta {
  name: string
  type: FieldType
  format?: string
  enum?: Array<string | number>
  xType?: SemanticType
  ref?: { entity: string; onDelete?: string }
  required: boolean
  readOnly: boolean
  writeOnly: boolean
  nullable: boolean
  serverManaged: boolean
  searchable: boolean
  sensitive: boolean
  unique: boolean
  default?: unknown
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  ui: FieldUi
  properties?: Record<string, { type: unknown; ui?: FieldUi }>
}

export interface RelationMeta {
  name: string
  kind: 'belongsTo' | 'hasMany' | 'manyToMany'
  entity: string
  field: string
  through?: { entity: string; from: string; to: string }
}

export interface EntityUi {
  label: LocalizedText
  pluralLabel?: LocalizedText
  icon?: string
  listColumns?: string[]
  searchFields?: string[]
  titleField?: string
  groups?: Array<{ name: string; label: LocalizedText; fields: string[] }>
  defaultSort?: Record<string, 1 | -1>
}

export interface EntityMeta {
  name: string
  plural: string
  domain: string
  description?: string
  versioned: boolean
  fieldOrder: string[]
  fields: Record<string, FieldMeta>
  relations: Record<string, RelationMeta>
  ui: EntityUi
  schema: Record<string, unknown>
}

export interface ActionMeta {
  name: string
  plugin: string
  permission: string
  label?: LocalizedText
  path: string
}

/** A dashboard card as data: a plugin ships its own in `plugins/<name>/admin/cards.json`, served by `api/meta`. */
export interface DashboardCard {
  id: string
  kind: 'kpi' | 'trend' | 'top' | 'breakdown' | 'below'
  title: LocalizedText
  entity: string
  /** Field holding the record's date, filtered by the selected range. */
  dateField?: string
  /** What the card says in a tooltip (e.g. what "net sales" includes). */
  help?: LocalizedText
  /**
   * `count`, or `sum` of a money/number field, less `minus` per row when given (net sales of an
   * order = `total` − `taxTotal`). `name`: the shared measure it shows (`netSales`, `grossSales`, `tax`).
   */
  measure?: { op: 'count' | 'sum'; field?: string; minus?: string; name?: 'netSales' | 'grossSales' | 'tax' }
  /** Extra Feathers query applied to every fetch. */
  where?: Record<string, unknown>
  /** `top`: group by this (ref) field; `breakdown`: by this enum field. */
  groupBy?: string
  /** `breakdown`: the values to count. */
  values?: Array<string | number>
  /** `below`: rows where `field` < `than` (compared client side). */
  field?: string
  than?: string
  /** Columns to show for `below`. */
  show?: string[]
  limit?: number
  /** `kpi`: compare with the previous period of the same length. */
  compare?: boolean
  span?: number
}

export interface UserInfo {
  id: number
  email?: string
  name?: string
  roles: string[]
  locale?: string
  partnerId?: number | null
}

export interface MetaResponse {
  user: UserInfo
  entities: EntityMeta[]
  actions: Record<string, ActionMeta[]>
  dashboard: DashboardCard[]
  /** The enabled plugins (their admin screens show). */
  plugins?: string[]
}

/** A stored record: server-managed fields plus the entity's own. */
export type Row = Record<string, unknown> & { id: number; version?: number }

export interface Paginated<T = Row> {
  /** -1 when the query asked for no count (`$total: false`). */
  total: number
  limit: number
  skip: number
  data: T[]
  /** `$total: 'estimate'` was answered with the planner's estimate. */
  totalEstimated?: true
}

/** One field error, as the server and the client validator report it. */
export interface FieldError {
  path: string
  message: string
}
