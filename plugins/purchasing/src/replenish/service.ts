import { BadRequest } from '@feathersjs/errors'
import type { Knex } from 'knex'
import { objectSchema, parsePage, type PlumeApp, type ServiceDocs } from '@plume/core'
import { invalid, nowOf, type Params } from '../context.js'
import { suggestions, type Suggestion } from './suggest.js'

const QUERY = ['warehouseId', 'serviceLevel', 'all', '$limit', '$skip']

export function readQuery(query: Record<string, unknown> = {}): {
  warehouseId?: number
  serviceLevel: number
  all: boolean
} {
  const unknown = Object.keys(query).find((k) => !QUERY.includes(k))
  if (unknown)
    throw new BadRequest(`Unknown query parameter ${unknown}`, {
      errors: [{ path: `/${unknown}`, message: 'is not a known parameter' }],
    })
  const out: { warehouseId?: number; serviceLevel: number; all: boolean } = {
    serviceLevel: 0.95,
    all: query.all === 'true' || query.all === true,
  }
  if (query.warehouseId !== undefined) {
    const w = Number(query.warehouseId)
    if (!Number.isInteger(w) || w < 1) throw invalid('/warehouseId', 'must be a warehouse id')
    out.warehouseId = w
  }
  if (query.serviceLevel !== undefined) {
    const s = Number(query.serviceLevel)
    if (!(s >= 0.5 && s <= 0.999))
      throw invalid('/serviceLevel', 'must be a probability from 0.5 to 0.999, e.g. 0.95')
    out.serviceLevel = s
  }
  return out
}

interface DraftLine {
  productId: number
  warehouseId: number
  quantity: number
  supplierId?: number
}

const draftBody = objectSchema(
  {
    lines: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: objectSchema(
        {
          productId: { type: 'integer', minimum: 1 },
          warehouseId: { type: 'integer', minimum: 1 },
          quantity: { type: 'integer', minimum: 1 },
          supplierId: { type: 'integer', minimum: 1 },
        },
        ['productId', 'warehouseId', 'quantity'],
      ),
    },
  },
  ['lines'],
)

function readLines(data: unknown): DraftLine[] {
  const lines = (data as { lines?: unknown } | null)?.lines
  if (!Array.isArray(lines) || lines.length === 0 || lines.length > 1000)
    throw invalid('/lines', 'must list 1 to 1000 lines')
  return lines.map((l: Record<string, unknown>, i) => {
    for (const k of ['productId', 'warehouseId', 'quantity'] as const)
      if (!Number.isInteger(l?.[k]) || (l[k] as number) < 1)
        throw invalid(`/lines/${i}/${k}`, 'must be a positive integer')
    if (l.supplierId !== undefined && (!Number.isInteger(l.supplierId) || (l.supplierId as number) < 1))
      throw invalid(`/lines/${i}/supplierId`, 'must be a supplier id')
    const extra = Object.keys(l).find(
      (k) => !['productId', 'warehouseId', 'quantity', 'supplierId'].includes(k),
    )
    if (extra) throw invalid(`/lines/${i}/${extra}`, 'is not a known field')
    return l as unknown as DraftLine
  })
}

/** The preferred (else cheapest) supplier of each product; 400 naming the line when there is none. */
async function supplierOf(trx: Knex.Transaction, lines: DraftLine[]): Promise<number[]> {
  const out: number[] = []
  for (const [i, l] of lines.entries()) {
    if (l.supplierId) {
      out.push(l.supplierId)
      continue
    }
    const item = (await trx('supplier_items')
      .where({ productId: l.productId })
      .orderBy([{ column: 'preferred', order: 'desc' }, { column: 'price' }, { column: 'id' }])
      .select('supplierId')
      .first()) as { supplierId: number } | undefined
    if (!item) throw invalid(`/lines/${i}/productId`, 'has no supplier: add a supplier item first')
    out.push(item.supplierId)
  }
  return out
}

/**
 * `GET /api/replenishment` — what to order now, per product × warehouse, and why;
 * `POST /api/replenishment` `{lines}` — turns chosen lines into draft purchase orders, one per
 * supplier and warehouse, in one transaction.
 */
export function replenishmentService(app: PlumeApp, knex: Knex) {
  return {
    docs,
    async find(params?: Params & { query?: Record<string, unknown> }) {
      const q = readQuery(params?.query)
      const page = parsePage(params?.query, { defaultLimit: 50, maxLimit: 500 })
      const all = await suggestions(knex, {
        asOf: nowOf(params),
        serviceLevel: q.serviceLevel,
        warehouseId: q.warehouseId,
      })
      const rows = (q.all ? all : all.filter((s) => s.quantity > 0)).sort(urgency)
      return {
        total: rows.length,
        limit: page.limit,
        skip: page.skip,
        data: rows.slice(page.skip, page.skip + page.limit),
      }
    },
    async create(data: unknown, params?: Params) {
      const lines = readLines(data)
      return knex.transaction(async (trx) => {
        const suppliers = await supplierOf(trx, lines)
        const groups = new Map<string, { supplierId: number; warehouseId: number; lines: DraftLine[] }>()
        lines.forEach((l, i) => {
          const k = `${suppliers[i]}:${l.warehouseId}`
          if (!groups.has(k))
            groups.set(k, { supplierId: suppliers[i]!, warehouseId: l.warehouseId, lines: [] })
          groups.get(k)!.lines.push(l)
        })
        const inner = { transaction: trx, now: params?.now }
        const created: unknown[] = []
        for (const g of groups.values()) {
          const po = (await app.service('api/purchase-orders').create(
            {
              supplierId: g.supplierId,
              warehouseId: g.warehouseId,
              notes: 'From replenishment suggestions',
            },
            inner,
          )) as { id: number }
          for (const l of g.lines)
            await app
              .service('api/purchase-order-lines')
              .create({ purchaseOrderId: po.id, productId: l.productId, quantity: l.quantity }, inner)
          created.push(await app.service('api/purchase-orders').get(po.id, inner))
        }
        return created
      })
    },
  }
}

/** Soonest projected stock-out first, then the largest quantity. */
const urgency = (a: Suggestion, b: Suggestion) =>
  (a.stockoutInWeeks ?? 99) - (b.stockoutInWeeks ?? 99) || b.quantity - a.quantity

const typed = (keys: string[], schema: Record<string, unknown>): Array<[string, Record<string, unknown>]> =>
  keys.map((k) => [k, schema])

const suggestionSchema = {
  type: 'object',
  properties: Object.fromEntries([
    ...typed(
      [
        'productId',
        'warehouseId',
        'supplierId',
        'quantity',
        'onHand',
        'reserved',
        'onOrder',
        'stockoutInWeeks',
      ],
      { type: ['integer', 'null'] },
    ),
    ...typed(
      ['weeklyForecast', 'sigmaWeekly', 'leadTimeWeeks', 'safetyStock', 'reorderPoint', 'orderUpTo', 'mase'],
      { type: ['number', 'null'] },
    ),
    ...typed(['method'], { type: 'string' }),
    ...typed(['policy'], { type: 'string', enum: ['forecast', 'minMax'] }),
    ...typed(['demandClass'], { type: 'string', enum: ['smooth', 'erratic', 'intermittent', 'lumpy'] }),
    ...typed(['stockoutWithinLeadTime'], { type: 'boolean' }),
  ]),
}

const docs: ServiceDocs = {
  tag: 'Purchasing',
  schemas: { ReplenishmentSuggestion: suggestionSchema },
  operations: {
    find: {
      summary:
        'What to order now per product × warehouse, and why (forecast, σ, lead time, safety stock, position)',
      query: objectSchema({
        warehouseId: { type: 'integer', minimum: 1 },
        serviceLevel: { type: 'number', minimum: 0.5, maximum: 0.999, default: 0.95 },
        all: { type: 'boolean', description: 'Also rows with nothing to order' },
        $limit: { type: 'integer', minimum: 0, maximum: 500 },
        $skip: { type: 'integer', minimum: 0 },
      }),
      result: {
        type: 'object',
        properties: {
          total: { type: 'integer' },
          limit: { type: 'integer' },
          skip: { type: 'integer' },
          data: { type: 'array', items: { $ref: '#/components/schemas/ReplenishmentSuggestion' } },
        },
      },
    },
    create: {
      summary: 'Turns chosen suggestion lines into draft purchase orders, one per supplier and warehouse',
      body: draftBody,
      result: { type: 'array', items: { type: 'object' } },
    },
  },
}
