/**
 * Customizations of file-made entities, Frappe-style: the file is never edited; what the API adds
 * (fields, indexes, relations) and the labels and UI hints it changes are stored apart and merged
 * over the file's definition when the model is built, so upgrading the plugin keeps them.
 */
import type { DefinitionError } from '@plume/metadata'
import { stableStringify } from '../db/migrate/hash.js'
import type { Customization } from './store.js'

type Raw = Record<string, unknown>

const obj = (v: unknown): Raw => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {})
const same = (a: unknown, b: unknown) => stableStringify(a ?? null) === stableStringify(b ?? null)
const withoutUi = (p: unknown): Raw => {
  const { 'x-ui': _ui, ...rest } = obj(p)
  return rest
}

/** An empty customization. */
export const noCustomization = (): Customization => ({
  properties: {},
  required: [],
  'x-indexes': [],
  'x-relations': {},
  fieldUi: {},
})

/**
 * The file's definition with a customization merged over it.
 * @example applyCustomization(customer.schema, { ...noCustomization(), properties: { vip: { type: 'boolean', … } } })
 */
export function applyCustomization(fileRaw: Raw, c: Customization): Raw {
  const raw = structuredClone(fileRaw)
  const props = (raw.properties = { ...obj(raw.properties) })
  for (const [name, ui] of Object.entries(c.fieldUi))
    if (props[name]) props[name] = { ...obj(props[name]), 'x-ui': structuredClone(ui) }
  for (const [name, p] of Object.entries(c.properties)) props[name] = structuredClone(p)
  if (c.required.length) raw.required = [...((raw.required as string[] | undefined) ?? []), ...c.required]
  if (c['x-indexes'].length)
    raw['x-indexes'] = [
      ...((raw['x-indexes'] as unknown[] | undefined) ?? []),
      ...structuredClone(c['x-indexes']),
    ]
  if (Object.keys(c['x-relations']).length)
    raw['x-relations'] = { ...obj(raw['x-relations']), ...structuredClone(c['x-relations']) }
  if (c.ui) raw['x-ui'] = structuredClone(c.ui)
  return raw
}

/**
 * What a requested definition of a file-made entity changes, as a customization; a change the
 * API may not make (removing or altering a field the file defines, its name, route or table)
 * is an error naming the JSON path.
 */
export function deriveCustomization(
  fileRaw: Raw,
  requested: Raw,
  source: string,
): { customization: Customization; errors: DefinitionError[] } {
  const errors: DefinitionError[] = []
  const c = noCustomization()
  const err = (path: string, message: string) => errors.push({ source, path, message })
  const fileProps = obj(fileRaw.properties)
  const props = obj(requested.properties)
  for (const [name, p] of Object.entries(fileProps)) {
    const asked = props[name]
    if (asked === undefined)
      err(`/properties/${name}`, `"${name}" is defined by ${source} and cannot be removed through the API`)
    else if (!same(withoutUi(p), withoutUi(asked)))
      err(
        `/properties/${name}`,
        `"${name}" is defined by ${source}: only its x-ui (label, widget, help …) may change through the API`,
      )
    else if (!same(obj(p)['x-ui'], obj(asked)['x-ui']))
      c.fieldUi[name] = structuredClone(obj(obj(asked)['x-ui']))
  }
  for (const [name, p] of Object.entries(props))
    if (!(name in fileProps)) c.properties[name] = structuredClone(obj(p))
  for (const key of ['x-entity', 'type', 'title', 'description', '$schema', 'additionalProperties']) {
    if (!same(fileRaw[key], requested[key]))
      err(`/${key}`, `${key} is defined by ${source} and cannot change through the API`)
  }
  const fileRequired = (fileRaw.required as string[] | undefined) ?? []
  const required = Array.isArray(requested.required) ? (requested.required as string[]) : []
  for (const r of fileRequired)
    if (!required.includes(r)) err('/required', `"${r}" is required by ${source} and stays required`)
  for (const r of required) {
    if (fileRequired.includes(r)) continue
    if (r in fileProps)
      err('/required', `"${r}" is defined by ${source}: whether it is required cannot change through the API`)
    else c.required.push(r)
  }
  const fileIndexes = (fileRaw['x-indexes'] as unknown[] | undefined) ?? []
  const indexes = Array.isArray(requested['x-indexes']) ? (requested['x-indexes'] as unknown[]) : []
  fileIndexes.forEach((idx, i) => {
    if (!same(idx, indexes[i]))
      err(
        `/x-indexes/${i}`,
        `the indexes of ${source} cannot change through the API; add new ones after them`,
      )
  })
  c['x-indexes'] = indexes.slice(fileIndexes.length).map((i) => structuredClone(obj(i)))
  const fileRels = obj(fileRaw['x-relations'])
  const rels = obj(requested['x-relations'])
  for (const [name, r] of Object.entries(fileRels))
    if (!same(r, rels[name]))
      err(
        `/x-relations/${name}`,
        `relation "${name}" is defined by ${source} and cannot change through the API`,
      )
  for (const [name, r] of Object.entries(rels))
    if (!(name in fileRels)) c['x-relations'][name] = structuredClone(obj(r))
  if (!same(fileRaw['x-ui'], requested['x-ui'])) c.ui = structuredClone(obj(requested['x-ui']))
  return { customization: c, errors }
}

/** Whether a customization changes nothing. */
export const isEmptyCustomization = (c: Customization): boolean => same(c, noCustomization())
