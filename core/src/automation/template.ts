import { resolvePath } from './conditions.js'

/**
 * Message templates: `{{order.number}}`, `{{ item.available }}` — a path lookup and nothing
 * else (no expressions, helpers or code). Values are escaped for the channel:
 * `html` (email bodies), `plain` (in-app, control characters removed), `line` (one line: email
 * subjects, headers), `raw` (JSON payloads, escaped by JSON.stringify afterwards).
 */
export type Channel = 'html' | 'plain' | 'line' | 'raw'

export const TEMPLATE_TAG = /\{\{\s*([^{}]*?)\s*\}\}/g
export const TEMPLATE_PATH = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62}){0,4}$/

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Problems of a template string (for validation at save). */
export function templateErrors(template: string): string[] {
  const errs: string[] = []
  for (const m of template.matchAll(TEMPLATE_TAG)) {
    if (!TEMPLATE_PATH.test(m[1] ?? '')) errs.push(`invalid placeholder "{{${m[1]}}}": use {{fact.field}}`)
  }
  if (/\{\{(?![^{}]*\}\})/.test(template)) errs.push('unclosed "{{"')
  return errs
}

/** Fact names a template reads (the first segment of each placeholder). */
export function templateFacts(template: string): string[] {
  return [...template.matchAll(TEMPLATE_TAG)].map((m) => (m[1] ?? '').split('.')[0]!).filter(Boolean)
}

const lookup = (context: Record<string, unknown>, path: string): unknown => {
  if (!TEMPLATE_PATH.test(path)) return undefined
  const [head, ...rest] = path.split('.')
  return resolvePath(Object.prototype.hasOwnProperty.call(context, head!) ? context[head!] : undefined, rest)
}

function text(v: unknown): string {
  if (v === undefined || v === null) return ''
  if (v instanceof Date) return v.toISOString()
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

function escape(s: string, channel: Channel): string {
  if (channel === 'html') return s.replace(/[&<>"']/g, (c) => HTML[c]!)
  // eslint-disable-next-line no-control-regex
  if (channel === 'plain') return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
  // eslint-disable-next-line no-control-regex
  if (channel === 'line') return s.replace(/[\u0000-\u001F\u007F]+/g, ' ')
  return s
}

/**
 * Fills a template. A missing value renders as empty.
 * @example render('Order {{order.number}}', { order: { number: 'SO-1' } }, 'plain') // 'Order SO-1'
 */
export function render(template: string, context: Record<string, unknown>, channel: Channel): string {
  return template.replace(TEMPLATE_TAG, (_m, path: string) => escape(text(lookup(context, path)), channel))
}

/**
 * Fills a value that may be a template: a string that is exactly one placeholder keeps the
 * value's type (`"{{record.id}}"` → 42); other strings are rendered as text; objects and arrays
 * are filled recursively.
 * @example fill({ orderId: '{{record.id}}', note: 'for {{record.number}}' }, ctx) // { orderId: 42, note: 'for SO-1' }
 */
export function fill(value: unknown, context: Record<string, unknown>, channel: Channel = 'raw'): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{\s*([^{}]*?)\s*\}\}$/.exec(value)
    if (whole) {
      const v = lookup(context, whole[1]!)
      return v === undefined ? null : v
    }
    return render(value, context, channel)
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, context, channel))
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, context, channel)]))
  return value
}

/** Every template string inside a value, with its JSON pointer (for validation). */
export function templatesIn(value: unknown, path = ''): Array<{ path: string; template: string }> {
  if (typeof value === 'string') return value.includes('{{') ? [{ path, template: value }] : []
  if (Array.isArray(value)) return value.flatMap((v, i) => templatesIn(v, `${path}/${i}`))
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => templatesIn(v, `${path}/${k}`))
  return []
}
