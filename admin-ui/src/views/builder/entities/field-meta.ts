/** The field as the form would see it (a FieldMeta), to pick the widgets that can serve it and their Options.vue. */
import type { FieldMeta, FieldType, SemanticType } from '../../../types/meta'
import { WIDGETS, widgetFor, type WidgetDefinition } from '../../../widgets'
import { toProperty, type BuilderField } from './field-types'

export function asFieldMeta(f: BuilderField): FieldMeta {
  const p = toProperty(f)
  const types = (Array.isArray(p.type) ? p.type : [p.type]).map(String)
  const ui = (p['x-ui'] ?? {}) as FieldMeta['ui']
  return {
    name: f.name || 'field',
    type: (types.find((x) => x !== 'null') ?? 'string') as FieldType,
    format: typeof p.format === 'string' ? p.format : undefined,
    enum: Array.isArray(p.enum) ? (p.enum as string[]) : undefined,
    xType: p['x-type'] as SemanticType | undefined,
    ref: p['x-ref'] as FieldMeta['ref'],
    required: f.required,
    readOnly: false,
    writeOnly: false,
    nullable: types.includes('null'),
    serverManaged: false,
    searchable: false,
    sensitive: false,
    unique: f.unique,
    ui: { ...ui, widget: undefined },
  }
}

/** The widgets that can serve the field, best first. */
export function widgetsFor(f: BuilderField): WidgetDefinition[] {
  const meta = asFieldMeta(f)
  return WIDGETS.filter((w) => w.serves(meta)).sort((a, b) => b.priority - a.priority)
}

/** The widget the form will use: the chosen one when it serves the field, else the best. */
export function chosenWidget(f: BuilderField): WidgetDefinition {
  const meta = asFieldMeta(f)
  return widgetFor({ ...meta, ui: { ...meta.ui, widget: f.widget || undefined } })
}
