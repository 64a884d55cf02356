/**
 * The entity the builder edits, as a draft, and the definition it sends (docs/metadata.md): fields in
 * form order, renames (so values are kept), and the entity's form and list hints in `x-ui`
 * (`titleField`, `listColumns`, `searchFields`, `defaultSort`, `groups`), which the generic screens follow.
 */
import type { LocalizedText } from '../../../types/meta'
import { clone, fromProperty, toProperty, type BuilderField, type RawProperty } from './field-types'

export type RawDefinition = Record<string, unknown>

/** One field of the draft: `origin` is its name when loaded (none for an added field). */
export type DraftField = BuilderField & { origin?: string }

export interface FormGroup {
  name: string
  label: LocalizedText
  fields: string[]
}

export interface LayoutDraft {
  titleField: string
  listColumns: string[]
  searchFields: string[]
  sortField: string
  sortDir: 1 | -1
  groups: FormGroup[]
}

export interface EntityDraft {
  raw: RawDefinition
  fields: DraftField[]
  layout: LayoutDraft
}

interface RawUi {
  fieldOrder?: string[]
  titleField?: string
  listColumns?: string[]
  searchFields?: string[]
  defaultSort?: Record<string, 1 | -1>
  groups?: FormGroup[]
}

interface RawRelation {
  kind: string
  entity: string
  field?: string
}

/** Fields in `x-ui.fieldOrder` order (a stored definition is JSONB: its keys come back sorted), the rest after. */
function ordered<T>(entries: Array<[string, T]>, order: readonly string[] = []): Array<[string, T]> {
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length)
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => rank(a.e[0]) - rank(b.e[0]) || a.i - b.i)
    .map((x) => x.e)
}

/** The draft of a loaded definition. */
export function toDraft(raw: RawDefinition): EntityDraft {
  const props = (raw.properties ?? {}) as Record<string, RawProperty>
  const required = new Set((raw.required ?? []) as string[])
  const ui = (raw['x-ui'] ?? {}) as RawUi
  const [sortField, sortDir] = Object.entries(ui.defaultSort ?? {})[0] ?? ['', 1]
  return {
    raw: clone(raw),
    fields: ordered(Object.entries(props), ui.fieldOrder).map(([name, p]) => ({
      ...fromProperty(name, p, required.has(name)),
      origin: name,
    })),
    layout: {
      titleField: ui.titleField ?? '',
      listColumns: [...(ui.listColumns ?? [])],
      searchFields: [...(ui.searchFields ?? [])],
      sortField,
      sortDir: sortDir === -1 ? -1 : 1,
      groups: clone(ui.groups ?? []),
    },
  }
}

/** `{ old: new }` for every loaded field whose name changed. */
export function renamesOf(fields: readonly DraftField[]): Record<string, string> {
  return Object.fromEntries(
    fields.filter((f) => f.origin && f.origin !== f.name).map((f) => [f.origin!, f.name]),
  )
}

/** The loaded fields the draft no longer has. */
export function retiredOf(draft: EntityDraft): string[] {
  const kept = new Set(draft.fields.map((f) => f.origin).filter(Boolean))
  return Object.keys((draft.raw.properties ?? {}) as object).filter((n) => !kept.has(n))
}

/** Renames `from` to `to` (or removes it, `to` undefined) in the layout's lists. */
export function renameInLayout(layout: LayoutDraft, from: string, to?: string): void {
  const swap = (list: string[]) => list.flatMap((n) => (n === from ? (to ? [to] : []) : [n]))
  layout.listColumns = swap(layout.listColumns)
  layout.searchFields = swap(layout.searchFields)
  for (const g of layout.groups) g.fields = swap(g.fields)
  if (layout.titleField === from) layout.titleField = to ?? ''
  if (layout.sortField === from) layout.sortField = to ?? ''
}

const relationName = (field: string) =>
  field.endsWith('Id') && field.length > 2 ? field.slice(0, -2) : `${field}Ref`

/** `x-relations`: belongsTo relations follow renamed and retired fields; a new relation field gets one. */
function relationsOf(draft: EntityDraft): Record<string, RawRelation> | undefined {
  const renames = renamesOf(draft.fields)
  const retired = new Set(retiredOf(draft))
  const out: Record<string, RawRelation> = {}
  for (const [name, r] of Object.entries((draft.raw['x-relations'] ?? {}) as Record<string, RawRelation>)) {
    if (r.kind === 'belongsTo' && r.field && retired.has(r.field)) continue
    out[name] = r.kind === 'belongsTo' && r.field && renames[r.field] ? { ...r, field: renames[r.field] } : r
  }
  const names = new Set(draft.fields.map((f) => f.name))
  for (const f of draft.fields.filter((x) => x.kind === 'relation')) {
    if (Object.values(out).some((r) => r.kind === 'belongsTo' && r.field === f.name)) continue
    const name = relationName(f.name)
    if (!names.has(name) && !out[name]) out[name] = { kind: 'belongsTo', entity: f.target, field: f.name }
  }
  return Object.keys(out).length ? out : undefined
}

/** `x-indexes` without retired fields, renamed ones under their new name. */
function indexesOf(draft: EntityDraft): unknown[] | undefined {
  const renames = renamesOf(draft.fields)
  const retired = new Set(retiredOf(draft))
  const list = ((draft.raw['x-indexes'] ?? []) as Array<{ fields: string[] }>)
    .filter((ix) => !ix.fields.some((f) => retired.has(f)))
    .map((ix) => ({ ...ix, fields: ix.fields.map((f) => renames[f] ?? f) }))
  return list.length ? list : undefined
}

function uiOf(draft: EntityDraft): Record<string, unknown> {
  const { titleField, listColumns, searchFields, sortField, sortDir, groups } = draft.layout
  const ui: Record<string, unknown> = { ...(draft.raw['x-ui'] as object) }
  for (const k of ['fieldOrder', 'titleField', 'listColumns', 'searchFields', 'defaultSort', 'groups'])
    delete ui[k]
  // the form's order: kept in x-ui, since the stored definition (JSONB) does not keep the properties' order
  if (draft.fields.length > 1) ui.fieldOrder = draft.fields.map((f) => f.name)
  if (titleField) ui.titleField = titleField
  if (listColumns.length) ui.listColumns = [...listColumns]
  if (searchFields.length) ui.searchFields = [...searchFields]
  if (sortField) ui.defaultSort = { [sortField]: sortDir }
  const kept = groups.filter((g) => g.name && g.fields.length)
  if (kept.length)
    ui.groups = kept.map((g) => ({ name: g.name, label: { ...g.label }, fields: [...g.fields] }))
  return ui
}

/** The definition to preview and apply. */
export function toDefinition(draft: EntityDraft): RawDefinition {
  const def: RawDefinition = { ...clone(draft.raw) }
  for (const k of ['properties', 'required', 'x-relations', 'x-indexes']) delete def[k]
  const required = draft.fields.filter((f) => f.required).map((f) => f.name)
  const relations = relationsOf(draft)
  const indexes = indexesOf(draft)
  // keyword order as in the shipped files: properties, required, … then x-ui
  const { 'x-ui': _ui, ...head } = def
  return {
    ...head,
    properties: Object.fromEntries(draft.fields.map((f) => [f.name, toProperty(f)])),
    ...(required.length ? { required } : {}),
    ...(indexes ? { 'x-indexes': indexes } : {}),
    ...(relations ? { 'x-relations': relations } : {}),
    'x-ui': uiOf(draft),
  }
}

const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()
const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
const pluralOf = (s: string) =>
  /(s|x|ch|sh)$/.test(s) ? `${s}es` : /[^aeiou]y$/.test(s) ? `${s.slice(0, -1)}ies` : `${s}s`

export interface NewEntity {
  name: string
  label: LocalizedText
  domain: string
  titleField: string
  titleLabel: LocalizedText
}

/** The definition of a new custom entity: one required text field, its title. */
export function newEntityDefinition(e: NewEntity): RawDefinition {
  const plural = pluralOf(e.name)
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: e.label.en,
    type: 'object',
    'x-entity': { name: e.name, plural: kebab(plural), table: snake(plural), domain: e.domain },
    properties: {
      [e.titleField]: {
        type: 'string',
        minLength: 1,
        maxLength: 200,
        'x-search': true,
        'x-ui': { label: { ...e.titleLabel } },
      },
    },
    required: [e.titleField],
    additionalProperties: false,
    'x-ui': { label: { ...e.label }, titleField: e.titleField, listColumns: [e.titleField] },
  }
}
