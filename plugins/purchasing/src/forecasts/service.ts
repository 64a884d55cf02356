import type { Knex } from 'knex'
import { objectSchema, type ServiceDocs } from '@plume/core'
import { invalid, nowOf, type Params } from '../context.js'
import { forecastsFor } from './store.js'

const FIELDS = ['warehouseId', 'productIds']

function readBody(data: unknown): { warehouseId?: number; productIds?: number[] } {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw invalid('', 'must be an object')
  const body = data as Record<string, unknown>
  const extra = Object.keys(body).find((k) => !FIELDS.includes(k))
  if (extra) throw invalid(`/${extra}`, 'is not a known field')
  const out: { warehouseId?: number; productIds?: number[] } = {}
  if (body.warehouseId !== undefined) {
    if (!Number.isInteger(body.warehouseId) || (body.warehouseId as number) < 1)
      throw invalid('/warehouseId', 'must be a warehouse id')
    out.warehouseId = body.warehouseId as number
  }
  if (body.productIds !== undefined) {
    const ids = body.productIds
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 500)
      throw invalid('/productIds', 'must list 1 to 500 product ids')
    ids.forEach((id, i) => {
      if (!Number.isInteger(id) || (id as number) < 1)
        throw invalid(`/productIds/${i}`, 'must be a product id')
    })
    out.productIds = ids as number[]
  }
  return out
}

/**
 * `POST /api/forecast-runs` `{warehouseId?, productIds?}` — recomputes the stored demand forecasts
 * now (all of them, or of a warehouse or some products), whether stale or not; answers how many.
 */
export function forecastRunService(knex: Knex) {
  return {
    docs,
    async create(data: unknown, params?: Params) {
      const scope = readBody(data)
      const r = await forecastsFor(knex, { asOf: nowOf(params), force: true, ...scope })
      return { computed: r.computed, historyEnd: r.historyEnd }
    },
  }
}

const docs: ServiceDocs = {
  tag: 'Purchasing',
  operations: {
    create: {
      summary:
        'Recomputes the stored demand forecasts now (all, or of one warehouse or some products), stale or not',
      body: objectSchema({
        warehouseId: { type: 'integer', minimum: 1 },
        productIds: { type: 'array', minItems: 1, maxItems: 500, items: { type: 'integer', minimum: 1 } },
      }),
      result: objectSchema(
        {
          computed: { type: 'integer', description: 'Forecasts computed and stored' },
          historyEnd: { type: 'string', format: 'date-time', description: 'End of the history used' },
        },
        ['computed', 'historyEnd'],
      ),
    },
  },
}
