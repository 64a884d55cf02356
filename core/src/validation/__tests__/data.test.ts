import { describe, expect, it } from 'vitest'
import { buildEntities } from '@plume/metadata'
import { assertValidData } from '../data.js'

const label = (en: string) => ({ label: { en, 'zh-CN': en } })
const { entities, errors } = buildEntities([
  {
    source: 'test/shipment.json',
    raw: {
      type: 'object',
      'x-entity': { name: 'shipment', plural: 'shipments', table: 'shipments', domain: 'test' },
      'x-ui': label('Shipment'),
      properties: {
        carrier: { type: ['string', 'null'], enum: ['dhl', 'sf'], 'x-ui': label('Carrier') },
        cost: { type: 'string', 'x-type': 'money', 'x-ui': label('Cost') },
        code: { type: 'string', maxLength: 10, 'x-ui': label('Code') },
      },
      required: ['code'],
      additionalProperties: false,
    },
  },
])
const shipment = entities.get('shipment')!

const fails = (mode: 'create' | 'patch', data: unknown) => {
  try {
    assertValidData(shipment, mode, data)
    return []
  } catch (err) {
    return (err as { errors: Array<{ path: string; message: string }> }).errors
  }
}

describe('data validation from the entity schema', () => {
  it('builds the fixture', () => expect(errors).toEqual([]))

  it('lets a nullable enum be cleared with null, and refuses values outside it', () => {
    expect(fails('patch', { carrier: null })).toEqual([])
    expect(fails('patch', { carrier: 'ups' })[0]).toMatchObject({
      path: '/carrier',
      message: expect.stringMatching(/one of: dhl, sf/),
    })
  })

  it('checks money as a decimal string, required and unknown fields, and refuses server-managed ones', () => {
    expect(fails('create', { code: 'A', cost: '1.234' })[0]).toMatchObject({
      path: '/cost',
      message: expect.stringMatching(/decimal/),
    })
    expect(fails('create', { cost: '1.00' }).map((e) => e.path)).toContain('/code')
    expect(fails('create', { code: 'A', bogus: 1 }).map((e) => e.path)).toContain('/bogus')
    expect(fails('create', { code: 'A', id: 3 }).map((e) => e.path)).toContain('/id')
  })
})
