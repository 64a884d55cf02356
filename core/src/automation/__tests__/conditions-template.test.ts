import { describe, expect, it } from 'vitest'
import { compile, explain, MissingFact } from '../conditions.js'
import { fill, render, templateErrors } from '../template.js'
import { lastSlot } from '../compile.js'

describe('conditions', () => {
  const c = compile({
    all: [
      {
        fact: 'item',
        path: '$.available',
        operator: 'lessThan',
        value: { fact: 'item', path: '$.reorderPoint' },
      },
      { fact: 'record', path: '$.total', operator: 'greaterThan', value: 100 },
    ],
  })
  it('compares numeric strings (money) as numbers and facts with facts', () => {
    expect(c.evaluate({ item: { available: 9, reorderPoint: 10 }, record: { total: '900.00' } })).toBe(true)
    expect(c.evaluate({ item: { available: 10, reorderPoint: 10 }, record: { total: '900.00' } })).toBe(false)
    expect(c.evaluate({ item: { available: 1, reorderPoint: 10 }, record: { total: '99.99' } })).toBe(false)
    expect([...c.facts].sort()).toEqual(['item', 'record'])
  })
  it('fails closed on a missing fact and explains each leaf', () => {
    expect(() => c.evaluate({ item: { available: 1 }, record: { total: 1 } })).toThrow(MissingFact)
    const leaves = explain(
      {
        any: [
          { fact: 'record', path: '$.status', operator: 'in', value: ['a', 'b'] },
          { not: { fact: 'record', path: '$.x', operator: 'equal', value: 1 } },
        ],
      },
      { record: { status: 'b' } },
    )
    expect(leaves).toEqual([
      expect.objectContaining({ path: '/any/0', result: true, factValue: 'b' }),
      expect.objectContaining({ path: '/any/1/not', result: false, error: 'missing fact record.x' }),
    ])
  })
  it('never walks the prototype', () => {
    expect(() =>
      compile({ all: [{ fact: 'record', path: '$.constructor', operator: 'equal', value: 1 }] }).evaluate({
        record: {},
      }),
    ).toThrow(MissingFact)
  })
})

describe('templates', () => {
  const ctx = { record: { number: 'SO-1', name: '<b>"A" & B</b>', id: 42, nested: { x: 1 } } }
  it('escapes values per channel and runs no code', () => {
    expect(render('Order {{ record.number }}: {{record.name}}', ctx, 'html')).toBe(
      'Order SO-1: &lt;b&gt;&quot;A&quot; &amp; B&lt;/b&gt;',
    )
    expect(render('{{record.name}}', ctx, 'plain')).toBe('<b>"A" & B</b>')
    expect(render('{{record.missing}}|{{record.constructor}}|{{ process.env }}', ctx, 'plain')).toBe('||')
    expect(render('a {{record.name}}\r\nBcc: x', { record: { name: 'x\r\nBcc: evil' } }, 'line')).toBe(
      'a x Bcc: evil\r\nBcc: x',
    )
    expect(templateErrors('{{ record.number }} {{ 1+1 }} {{record.a}')).toEqual([
      'invalid placeholder "{{1+1}}": use {{fact.field}}',
      'unclosed "{{"',
    ])
  })
  it('keeps the type of a single placeholder', () => {
    expect(
      fill({ id: '{{record.id}}', note: 'for {{record.number}}', list: ['{{record.nested}}'] }, ctx),
    ).toEqual({ id: 42, note: 'for SO-1', list: [{ x: 1 }] })
  })
})

describe('schedules', () => {
  it('finds the latest slot in the rule time zone', () => {
    expect(
      lastSlot({ cron: '0 8 * * *', tz: 'Europe/Paris' }, new Date('2031-07-01T06:30:00Z')).toISOString(),
    ).toBe('2031-07-01T06:00:00.000Z')
    expect(
      lastSlot({ cron: '0 8 * * *', tz: 'Europe/Paris' }, new Date('2031-07-01T05:59:00Z')).toISOString(),
    ).toBe('2031-06-30T06:00:00.000Z')
    expect(
      lastSlot({ cron: '*/15 * * * *', tz: 'UTC' }, new Date('2031-07-01T06:31:00Z')).toISOString(),
    ).toBe('2031-07-01T06:30:00.000Z')
  })
})
