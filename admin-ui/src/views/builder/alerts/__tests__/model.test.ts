import { describe, expect, it } from 'vitest'
import { emptyForm, errorTarget, fromDefinition, toDefinition } from '../model'

describe('alert rule form ⇄ definition', () => {
  it('writes an order-total threshold that notifies the admins', () => {
    const f = emptyForm()
    f.name = 'big-order'
    f.leaves = [
      { fact: 'record', field: 'total', operator: 'greaterThan', value: '1000.00' },
      { fact: 'changes', field: 'status.to', operator: 'in', value: 'submitted, approved' },
    ]
    f.actions = [
      {
        type: 'notify',
        roles: ['admin'],
        users: '',
        title: 'Big order {{record.number}}',
        body: '',
        url: '',
        message: '',
      },
    ]
    const d = toDefinition(f)
    expect(d).toEqual({
      name: 'big-order',
      trigger: { type: 'event', entity: 'order', on: 'created' },
      conditions: {
        all: [
          { fact: 'record', path: '$.total', operator: 'greaterThan', value: '1000.00' },
          { fact: 'changes', path: '$.status.to', operator: 'in', value: ['submitted', 'approved'] },
        ],
      },
      actions: [{ type: 'notify', roles: ['admin'], title: 'Big order {{record.number}}' }],
    })
    expect(toDefinition(fromDefinition(d))).toEqual(d)
  })

  it('keeps what the form cannot show: forEach, rate limits, nested conditions', () => {
    const d = {
      name: 'low',
      trigger: { type: 'event', entity: 'order', on: 'transition' },
      forEach: 'orderStock',
      rateLimit: { max: 5, perSeconds: 60 },
      conditions: {
        all: [
          {
            fact: 'item',
            path: '$.available',
            operator: 'lessThan',
            value: { fact: 'item', path: '$.reorderPoint' },
          },
        ],
      },
      actions: [{ type: 'email', roles: ['warehouse'], subject: 'Low', body: 'x' }],
    }
    const f = fromDefinition(d)
    expect(f.advanced).toEqual(d.conditions)
    expect(toDefinition(f)).toEqual(d)
  })

  it('schedules and error paths', () => {
    const f = emptyForm()
    f.name = 's'
    f.triggerType = 'schedule'
    f.cron = '0 8 * * *'
    f.timezone = 'Asia/Shanghai'
    expect(toDefinition(f).trigger).toEqual({
      type: 'schedule',
      cron: '0 8 * * *',
      timezone: 'Asia/Shanghai',
    })
    expect(errorTarget('/conditions/all/2/value')).toBe('leaf-2')
    expect(errorTarget('/actions/0/title')).toBe('action-0')
    expect(errorTarget('/trigger/entity')).toBe('trigger')
    expect(errorTarget('/name')).toBe('name')
  })
})
