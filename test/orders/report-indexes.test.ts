/**
 * The orders plugin owns its tables, their indexes included: the indexes reports read orders
 * through exist without the reporting plugin, which made them until the orders plugin took them over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'

let p: TestPlatform

beforeAll(async () => {
  const only = process.env.PLUME_PLUGINS
  process.env.PLUME_PLUGINS = 'crm,partners,inventory,orders'
  try {
    p = await startTestPlatform()
  } finally {
    if (only === undefined) delete process.env.PLUME_PLUGINS
    else process.env.PLUME_PLUGINS = only
  }
}, 600_000)
afterAll(async () => p?.close())

describe('indexes on the orders tables', () => {
  it('are created by the orders and inventory plugins, reporting absent', async () => {
    expect((p.app.get('plugins')?.list() ?? []).map((x) => x.name).sort()).toEqual([
      'crm',
      'inventory',
      'orders',
      'partners',
    ])
    const res = (await p.db.knex.raw(
      `select indexname from pg_indexes where indexname like 'plume_rep_%' order by indexname`,
    )) as { rows: Array<{ indexname: string }> }
    expect(res.rows.map((r) => r.indexname)).toEqual([
      'plume_rep_lines_promotion',
      'plume_rep_movements_outbound',
      'plume_rep_orders_customer_date',
      'plume_rep_orders_date',
      'plume_rep_orders_partner_date',
      'plume_rep_orders_status_date_cover',
    ])
    const stats = (await p.db.knex.raw(
      `select stxname from pg_statistic_ext where stxname like 'plume_rep_orders_%' order by stxname`,
    )) as { rows: Array<{ stxname: string }> }
    expect(stats.rows.map((r) => r.stxname)).toEqual([
      'plume_rep_orders_day',
      'plume_rep_orders_month',
      'plume_rep_orders_quarter',
      'plume_rep_orders_week',
      'plume_rep_orders_year',
    ])
  })
})
