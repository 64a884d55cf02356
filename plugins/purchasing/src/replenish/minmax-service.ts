import type { Knex } from 'knex'
import { objectSchema, parsePage, type PlumeApp, type ServiceDocs } from '@plume/core'
import { invalid, nowOf, type Params } from '../context.js'
import { proposals } from './minmax.js'
import { readQuery } from './service.js'
import { sources } from './sources.js'
import { suggestions } from './suggest.js'

interface Apply {
  productId: number
  warehouseId: number
  min: number
  max: number
}

const LINE = ['productId', 'warehouseId', 'min', 'max']

function readLines(data: unknown): Apply[] {
  const lines = (data as { lines?: unknown } | null)?.lines
  if (!Array.isArray(lines) || lines.length === 0 || lines.length > 1000)
    throw invalid('/lines', 'must list 1 to 1000 lines')
  return lines.map((l: Record<string, unknown>, i) => {
    const extra = Object.keys(l ?? {}).find((k) => !LINE.includes(k))
    if (extra) throw invalid(`/lines/${i}/${extra}`, 'is not a known field')
    for (const k of ['productId', 'warehouseId'] as const)
      if (!Number.isInteger(l?.[k]) || (l[k] as number) < 1)
        throw invalid(`/lines/${i}/${k}`, 'must be a positive integer')
    for (const k of ['min', 'max'] as const)
      if (!Number.isInteger(l[k]) || (l[k] as number) < 0)
        throw invalid(`/lines/${i}/${k}`, 'must be a whole number of units, 0 or more')
    if ((l.max as number) < (l.min as number)) throw invalid(`/lines/${i}/max`, 'must be at least min')
    return l as unknown as Apply
  })
}

/**
 * `GET /api/reorder-proposals` — min (reorder point) and max (order-up-to) proposed per product ×
 * warehouse from the forecast and the supplier's lead time, beside the level's current settings;
 * `POST /api/reorder-proposals` `{lines: [{productId, warehouseId, min, max}]}` — an administrator
 * applies reviewed ones: the level's reorder point = min, reorder quantity = max − min, and
 * replenishment follows them from then on (`minMaxAppliedAt`).
 */
export function reorderProposalService(app: PlumeApp, knex: Knex) {
  return {
    docs,
    async find(params?: Params & { query?: Record<string, unknown> }) {
      const q = readQuery(params?.query)
      const page = parsePage(params?.query, { defaultLimit: 50, maxLimit: 500 })
      const rows = await suggestions(knex, { ...q, asOf: nowOf(params), ignoreMinMax: true })
      const src = await sources(knex, [...new Set(rows.map((r) => r.productId))])
      const all = await proposals(knex, rows, (id) => ({
        pack: src.get(id)?.packSize ?? 1,
        moq: src.get(id)?.moq ?? 0,
      }))
      all.sort((a, b) => a.productId - b.productId || a.warehouseId - b.warehouseId)
      return {
        total: all.length,
        limit: page.limit,
        skip: page.skip,
        data: all.slice(page.skip, page.skip + page.limit),
      }
    },
    async create(data: unknown, params?: Params) {
      const lines = readLines(data)
      const at = nowOf(params).toISOString()
      return knex.transaction(async (trx) => {
        const out: unknown[] = []
        for (const [i, l] of lines.entries()) {
          const level = (await trx('stock_levels')
            .where({ productId: l.productId, warehouseId: l.warehouseId })
            .first('id')) as { id: number } | undefined
          if (!level) throw invalid(`/lines/${i}/productId`, 'has no stock level in this warehouse')
          out.push(
            await app
              .service('api/stock-levels')
              .patch(
                level.id,
                { reorderPoint: l.min, reorderQuantity: l.max - l.min, minMaxAppliedAt: at },
                { transaction: trx, user: params?.user, now: params?.now },
              ),
          )
        }
        return out
      })
    },
  }
}

const proposalSchema = objectSchema({
  ...Object.fromEntries(
    ['productId', 'warehouseId', 'currentMin', 'currentMax', 'min', 'max'].map((k) => [
      k,
      { type: 'integer' },
    ]),
  ),
  ...Object.fromEntries(
    ['weeklyForecast', 'sigmaWeekly', 'leadTimeWeeks', 'safetyStock'].map((k) => [k, { type: 'number' }]),
  ),
  applied: { type: 'boolean', description: 'Replenishment follows the level’s min/max now' },
  method: { type: 'string' },
})

const docs: ServiceDocs = {
  tag: 'Purchasing',
  schemas: { ReorderProposal: proposalSchema },
  operations: {
    find: {
      summary:
        'Proposed min (reorder point) and max (order-up-to) per product × warehouse, beside the current settings',
      query: objectSchema({
        warehouseId: { type: 'integer', minimum: 1 },
        serviceLevel: { type: 'number', minimum: 0.5, maximum: 0.999, default: 0.95 },
        $limit: { type: 'integer', minimum: 0, maximum: 500 },
        $skip: { type: 'integer', minimum: 0 },
      }),
      result: {
        type: 'object',
        properties: {
          total: { type: 'integer' },
          limit: { type: 'integer' },
          skip: { type: 'integer' },
          data: { type: 'array', items: { $ref: '#/components/schemas/ReorderProposal' } },
        },
      },
    },
    create: {
      summary:
        'Applies reviewed min/max to the stock levels (reorder point = min, reorder quantity = max − min); replenishment follows them',
      body: objectSchema(
        {
          lines: {
            type: 'array',
            minItems: 1,
            maxItems: 1000,
            items: objectSchema(
              {
                productId: { type: 'integer', minimum: 1 },
                warehouseId: { type: 'integer', minimum: 1 },
                min: { type: 'integer', minimum: 0 },
                max: { type: 'integer', minimum: 0 },
              },
              ['productId', 'warehouseId', 'min', 'max'],
            ),
          },
        },
        ['lines'],
      ),
      result: { type: 'array', items: { type: 'object' } },
    },
  },
}
