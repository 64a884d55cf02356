/**
 * Exact decimal arithmetic on the platform's money strings ('12.50'): scaled integers, never
 * floating point.
 * @example minus('100.00', '33.33', '0.10') // '66.57'
 */
export function minus(first: string, ...rest: string[]): string {
  const all = [first, ...rest]
  const scale = Math.max(...all.map((v) => (v.split('.')[1] ?? '').length))
  const int = (v: string) => {
    const [whole = '0', frac = ''] = v.trim().replace(/^-/, '').split('.')
    const n = BigInt(`${whole || '0'}${frac.padEnd(scale, '0')}`)
    return v.trim().startsWith('-') ? -n : n
  }
  const n = rest.reduce((acc, v) => acc - int(v), int(first))
  const neg = n < 0n
  const digits = (neg ? -n : n).toString().padStart(scale + 1, '0')
  const out = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits
  return neg ? `-${out}` : out
}
