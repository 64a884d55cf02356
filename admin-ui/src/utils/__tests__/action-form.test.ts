import { describe, expect, it } from 'vitest'
import { actionBody, inputFields, problems, rowsFrom } from '../action-form'

const SHIP = {
  type: 'object',
  properties: {
    carrier: { type: ['string', 'null'], maxLength: 100 },
    trackingNumber: { type: ['string', 'null'], maxLength: 100 },
    lines: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'integer' }, quantity: { type: 'integer', minimum: 0 } },
        required: ['id', 'quantity'],
      },
    },
  },
}
const CANCEL = {
  type: 'object',
  properties: {
    reason: { type: ['string', 'null'], maxLength: 500 },
    cancelReason: { type: ['string', 'null'], deprecated: true },
  },
}

describe('action dialog from an input schema', () => {
  it('asks ship for carrier, tracking number and a row per order line', () => {
    const fields = inputFields(SHIP, ['lines', 'stockMovements'])
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ['carrier', 'text'],
      ['trackingNumber', 'text'],
      ['lines', 'rows'],
    ])
    expect(fields[2]).toMatchObject({ columns: ['quantity'], minimum: 0 })
  })

  it('leaves deprecated properties out and asks a long reason in a text area', () => {
    expect(inputFields(CANCEL, [])).toEqual([
      { name: 'reason', kind: 'textarea', required: false, maxLength: 500 },
    ])
  })

  it('an array that is no relation of the entity is not asked', () => {
    expect(inputFields(SHIP, []).map((f) => f.name)).toEqual(['carrier', 'trackingNumber'])
  })

  it('sends trimmed text, leaves empty inputs out and only the rows that changed', () => {
    const fields = inputFields(SHIP, ['lines'])
    const rows = {
      lines: rowsFrom(fields[2]!, [
        { id: 7, quantity: 4 },
        { id: 8, quantity: 2 },
      ]),
    }
    expect(actionBody(fields, { carrier: ' SF ', trackingNumber: '' }, rows)).toEqual({ carrier: 'SF' })
    rows.lines[0]!.values.quantity = 3
    expect(actionBody(fields, { carrier: 'SF', trackingNumber: 'T1' }, rows)).toEqual({
      carrier: 'SF',
      trackingNumber: 'T1',
      lines: [{ id: 7, quantity: 3 }],
    })
  })

  it('a row may not ship more than ordered, less than 0, or nothing at all; text has its maximum length', () => {
    const fields = inputFields(SHIP, ['lines'])
    const rows = {
      lines: rowsFrom(fields[2]!, [
        { id: 7, quantity: 4 },
        { id: 8, quantity: 2 },
        { id: 9, quantity: 1 },
      ]),
    }
    rows.lines[0]!.values.quantity = 5
    rows.lines[1]!.values.quantity = -1
    rows.lines[2]!.values.quantity = null
    expect(problems(fields, { carrier: 'x'.repeat(101) }, rows)).toEqual({
      carrier: { key: 'maxLength', params: { limit: 100 } },
      'lines/7/quantity': { key: 'atMost', params: { limit: 4 } },
      'lines/8/quantity': { key: 'atLeast', params: { limit: 0 } },
      'lines/9/quantity': { key: 'required' },
    })
  })
})
