/** Money input: a decimal string end to end, never parsed into a float. */

const FULL_WIDTH = /[０-９．，]/g
const toAscii = (c: string) =>
  c === '．' ? '.' : c === '，' ? ',' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)

/**
 * What the user typed as the value to store: grouping separators and spaces removed, full-width
 * digits (Chinese input methods) made ASCII; empty is `null` for a nullable field, else `''`.
 * @example parseMoneyInput('１,234.5', false) // '1234.5'
 */
export function parseMoneyInput(text: string, nullable: boolean): string | null {
  const s = text.replace(FULL_WIDTH, toAscii).replace(/[,\s]/g, '')
  return s === '' ? (nullable ? null : '') : s
}

/**
 * The amount with exactly two decimals when it is a plain amount, else undefined (left for the
 * validator to report).
 * @example normalizeMoney('12.5') // '12.50'
 */
export function normalizeMoney(value: unknown): string | undefined {
  const s = value == null ? '' : String(value)
  const m = /^(-?)0*(\d+)(?:\.(\d{0,2}))?$/.exec(s)
  if (!m) return undefined
  return `${m[1]}${m[2]}.${(m[3] ?? '').padEnd(2, '0')}`
}
