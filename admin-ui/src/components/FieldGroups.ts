import type { EntityMeta, FieldMeta } from '../types/meta'
import { tr } from '../i18n'

/** Fields in the entity's `x-ui.groups`, then the rest under "Other". */
export function groupFields(
  e: EntityMeta,
  fields: FieldMeta[],
  otherLabel: string,
): Array<{ name: string; label: string; fields: FieldMeta[] }> {
  const byName = new Map(fields.map((f) => [f.name, f]))
  const used = new Set<string>()
  const out: Array<{ name: string; label: string; fields: FieldMeta[] }> = []
  for (const g of e.ui.groups ?? []) {
    const list = g.fields.map((n) => byName.get(n)).filter((f): f is FieldMeta => !!f)
    list.forEach((f) => used.add(f.name))
    if (list.length) out.push({ name: g.name, label: tr(g.label, g.name), fields: list })
  }
  const rest = fields.filter((f) => !used.has(f.name))
  if (rest.length) out.push({ name: 'other', label: out.length ? otherLabel : '', fields: rest })
  return out
}
