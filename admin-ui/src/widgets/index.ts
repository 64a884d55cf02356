/** The widget registry: the form picks, per field, `x-ui.widget` when it names a widget, else the best one that serves the field. */
import type { FieldMeta } from '../types/meta'
import type { WidgetDefinition } from './types'
import text from './text'
import textarea from './textarea'
import number from './number'
import money from './money'
import percent from './percent'
import date from './date'
import datetime from './datetime'
import enumWidget from './enum'
import boolean from './boolean'
import relation from './relation'
import json from './json'
import object from './object'
import tags from './tags'
import password from './password'

export const WIDGETS: WidgetDefinition[] = [
  text,
  textarea,
  number,
  money,
  percent,
  date,
  datetime,
  enumWidget,
  boolean,
  relation,
  json,
  object,
  tags,
  password,
]

const byId = new Map(WIDGETS.map((w) => [w.id, w]))

export function widgetFor(field: FieldMeta): WidgetDefinition {
  const named = field.ui.widget ? byId.get(field.ui.widget) : undefined
  if (named && named.serves(field)) return named
  let best: WidgetDefinition = field.type === 'object' || field.type === 'array' ? json : text
  for (const w of WIDGETS) if (w.serves(field) && w.priority > best.priority) best = w
  return best
}

export type { WidgetDefinition } from './types'
