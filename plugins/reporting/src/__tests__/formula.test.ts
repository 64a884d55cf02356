import { describe, expect, it } from 'vitest'
import { formulaRefs, formulaSql, parseFormula } from '../query/formula.js'

describe('formulas', () => {
  it('parses precedence and parentheses into safe SQL', () => {
    const node = parseFormula('(revenue - cost) * 100 / revenue')
    expect([...formulaRefs(node)]).toEqual(['revenue', 'cost'])
    expect(formulaSql(node, (n) => `sum_${n}`)).toBe(
      '((((sum_revenue)::numeric - (sum_cost)::numeric) * 100::numeric) / nullif((sum_revenue)::numeric, 0))',
    )
    expect(formulaSql(parseFormula('-a + 2'), (n) => n)).toBe('((-(a)::numeric) + 2::numeric)')
  })

  it('refuses anything but numbers, names, + - * / and parentheses', () => {
    expect(() => parseFormula('a; drop table x')).toThrow(/unexpected ";/)
    expect(() => parseFormula("a + 'x'")).toThrow(/unexpected/)
    expect(() => parseFormula('(a + b')).toThrow(/unclosed/)
    expect(() => parseFormula('a +')).toThrow(/ends too early/)
    expect(() => parseFormula('a b')).toThrow(/unexpected "b"/)
  })
})
