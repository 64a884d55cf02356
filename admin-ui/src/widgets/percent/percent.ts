/** Percent input: 0–100 (`13` = 13 %), stored as a number or, for decimal-string columns, a string. */
import type { FieldMeta } from '../../types/meta'

/** The stored value as the number the input shows (undefined when empty or not a number). */
export function percentShown(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined
  const n = Number(value)
  return Number.isFinite(n) ? n : undefined
}

/**
 * The number the input gave as the value to store, with the field's precision and its type.
 * @example percentStored(12.345, { type: 'string', nullable: false }, 2) // '12.35'
 */
export function percentStored(
  v: number | null | undefined,
  field: Pick<FieldMeta, 'type' | 'nullable'>,
  precision = 2,
): number | string | null | undefined {
  if (v === null || v === undefined || !Number.isFinite(v)) return field.nullable ? null : undefined
  const clamped = Math.min(100, Math.max(0, v))
  // the input already rounds to `precision`; toFixed keeps float noise (0.30000000000000004) out
  const fixed = clamped.toFixed(precision)
  return field.type === 'string' ? fixed : Number(fixed)
}
