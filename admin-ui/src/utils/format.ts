/** Locale-aware display of values by field type (money stays a decimal string until shown). */
import type { FieldMeta, Row } from '../types/meta'
import { i18n, locale, tr } from '../i18n'

const nf = new Map<string, Intl.NumberFormat>()
function numberFormat(key: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const k = `${locale.value}|${key}`
  let f = nf.get(k)
  if (!f) {
    f = new Intl.NumberFormat(locale.value, opts)
    nf.set(k, f)
  }
  return f
}

/** `"1234.5"` → `¥1,234.50` / `$1,234.50`; the amount is formatted from its digits, never via a float sum. */
export function formatMoney(value: unknown, currency?: string): string {
  if (value === null || value === undefined || value === '') return ''
  const n = Number(value)
  if (!Number.isFinite(n)) return String(value)
  if (currency && /^[A-Z]{3}$/.test(currency))
    return numberFormat(`cur-${currency}`, { style: 'currency', currency }).format(n)
  return numberFormat('money', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n)
}

export function formatNumber(value: unknown, digits?: number): string {
  if (value === null || value === undefined || value === '') return ''
  const n = Number(value)
  if (!Number.isFinite(n)) return String(value)
  return numberFormat(
    `n${digits ?? ''}`,
    digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits },
  ).format(n)
}

export function formatDate(value: unknown, withTime = false): string {
  if (!value) return ''
  const s = String(value)
  // a plain date is a calendar day, not an instant: do not shift it by the time zone
  const d = /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(`${s}T00:00:00`) : new Date(s)
  if (Number.isNaN(d.getTime())) return s
  return new Intl.DateTimeFormat(
    locale.value,
    withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' },
  ).format(d)
}

/**
 * An enum value's label in the current language: `x-ui.enumLabels` when the field names it, else the
 * value humanised (`in_progress` → `In progress`).
 * @example enumLabel('in_progress', ticketStatusField) // '处理中' in zh-CN
 */
export function enumLabel(value: unknown, field?: FieldMeta): string {
  if (value === null || value === undefined) return ''
  const named = field?.ui.enumLabels?.[String(value)]
  if (named) return tr(named, String(value))
  const s = String(value).replace(/_/g, ' ')
  return s.charAt(0).toUpperCase() + s.slice(1)
}

/** A field's value as text for lists, details and exports. */
export function formatValue(field: FieldMeta | undefined, value: unknown, row?: Row): string {
  if (value === null || value === undefined || value === '') return ''
  if (!field) return typeof value === 'object' ? JSON.stringify(value) : String(value)
  if (field.type === 'boolean') return i18n.global.t(value ? 'common.yes' : 'common.no')
  if (field.xType === 'money')
    return formatMoney(value, typeof row?.currency === 'string' ? row.currency : undefined)
  if (field.xType === 'percent') return `${formatNumber(value)} %`
  if (field.format === 'date') return formatDate(value)
  if (field.format === 'date-time') return formatDate(value, true)
  if (field.enum) return enumLabel(value, field)
  if ((field.type === 'integer' || field.type === 'number') && !field.ref && field.name !== 'id')
    return formatNumber(value)
  if (field.type === 'object' && field.properties && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== '')
      .map(([, v]) => String(v))
      .join(', ')
  }
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ')
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

export const fieldLabel = (field: FieldMeta | undefined, name = ''): string =>
  tr(field?.ui.label, name || field?.name || '')
