/** Number input: integers and floats as JSON numbers (money and percent have their own widgets). */
import type { FieldMeta } from '../../types/meta'

/** The stored value as the number the input shows. */
export function numberShown(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (value === null || value === undefined || value === '') return undefined
  const n = Number(value)
  return Number.isFinite(n) ? n : undefined
}

/**
 * What the input gave as the value to store: whole for integer fields; cleared is `null` when the
 * field is nullable, else left out (`undefined`) so "required" is reported.
 * @example numberStored(2.6, { type: 'integer', nullable: false }) // 3
 */
export function numberStored(
  v: number | null | undefined,
  field: Pick<FieldMeta, 'type' | 'nullable'>,
): number | null | undefined {
  if (v === null || v === undefined || !Number.isFinite(v)) return field.nullable ? null : undefined
  return field.type === 'integer' ? Math.round(v) : v
}
