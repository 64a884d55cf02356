/** Exact sums of decimal strings (money) in hundredths, with BigInt: no float drift. */
export function toCents(value: unknown): bigint {
  if (value === null || value === undefined || value === '') return 0n
  const s = String(value).trim()
  const m = /^(-?)(\d+)(?:\.(\d{0,2})\d*)?$/.exec(s)
  if (!m) return 0n
  const cents = BigInt(m[2] ?? '0') * 100n + BigInt((m[3] ?? '').padEnd(2, '0') || '0')
  return m[1] ? -cents : cents
}

export function centsToString(c: bigint): string {
  const neg = c < 0n
  const a = neg ? -c : c
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`
}

/** `sumMoney(['1.10', '2.20'])` → `"3.30"` */
export const sumMoney = (values: unknown[]): string =>
  centsToString(values.reduce<bigint>((s, v) => s + toCents(v), 0n))
