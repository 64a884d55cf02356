import { definePlugin } from '@plume/core'
import type { TestPlatform } from '@plume/core/testing'
import { client, created, loopFixture, type LoopFixture } from '../orders/fixtures.js'

/** A custom entity the type generator must pick up: README's "Add an entity" example. */
export const VEHICLE = {
  type: 'object',
  'x-entity': { name: 'vehicle', plural: 'vehicles', table: 'sdk_vehicles', domain: 'logistics' },
  'x-ui': { label: { en: 'Vehicle', 'zh-CN': '车辆' } },
  properties: {
    plate: {
      type: 'string',
      maxLength: 16,
      'x-unique': true,
      'x-ui': { label: { en: 'Plate', 'zh-CN': '车牌' } },
    },
    capacityKg: {
      type: 'integer',
      minimum: 0,
      'x-ui': { label: { en: 'Capacity (kg)', 'zh-CN': '载重(公斤)' } },
    },
    odometerKm: {
      type: 'integer',
      minimum: 0,
      default: 0,
      'x-ui': { label: { en: 'Odometer (km)', 'zh-CN': '里程(公里)' } },
    },
  },
  required: ['plate'],
  additionalProperties: false,
}

/** An action with an input schema on the custom entity, so generated action inputs are typed. */
export const vehicles = definePlugin({
  name: 'sdk-vehicles',
  version: '1.0.0',
  actions: {
    vehicle: {
      service: {
        label: { en: 'Service', 'zh-CN': '保养' },
        input: {
          type: 'object',
          properties: {
            kilometres: { type: 'integer', minimum: 0 },
            note: { type: ['string', 'null'], maxLength: 200 },
          },
          required: ['kilometres'],
          additionalProperties: false,
        },
        async handler(id, data, { trx }) {
          const [row] = (await trx('sdk_vehicles')
            .where('id', id)
            .update({ odometerKm: data.kilometres })
            .returning('*')) as Array<Record<string, unknown>>
          return row
        },
      },
    },
  },
})

export interface SdkFixture extends LoopFixture {
  /** A second partner with its own customer and user: it must never see the first one's events. */
  other: { partnerId: number; customerId: number; email: string; password: string }
}

/** The order loop's fixture (warehouse, products, stock, partner, customer, partner user) plus a second partner. */
export async function sdkFixture(p: TestPlatform): Promise<SdkFixture> {
  const f = await loopFixture(p, 'SDK')
  const api = client(p, f.token)
  const tierId = ((await p.db.knex('partner_tiers').first('id')) as { id: number }).id
  const partnerId = await created(api, '/api/partners', {
    code: 'P-SDK-OTHER',
    name: 'Other partner',
    kind: 'reseller',
    tierId,
  })
  const customerId = await created(api, '/api/customers', {
    code: 'C-SDK-OTHER',
    name: 'Other customer',
    partnerId,
  })
  const other = { partnerId, customerId, email: 'buyer-other@partner.test', password: 'Other-Secret-123' }
  await created(api, '/api/users', {
    email: other.email,
    name: 'Other buyer',
    password: other.password,
    roles: ['partner_user'],
    partnerId,
    locale: 'en',
  })
  return { ...f, other }
}
