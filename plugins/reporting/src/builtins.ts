import type { PluginContext } from '@plume/core'
import type { ReportDefinition } from './definition/types.js'
import { DEFINITIONS_PATH } from './services/definitions-service.js'

/** Order statuses that count as sold (drafts and cancelled orders are not sales). */
export const SOLD = ['submitted', 'approved', 'shipped', 'delivered', 'closed']
/** Invoices with money still to collect. Invoices are read as of the run's `asOf` (the finance plugin's as-of source): statuses and amounts paid and credited on that date. */
export const OPEN_INVOICES = ['issued', 'partially_paid']
/** Stock movements that take goods out of a warehouse. */
export const OUTBOUND = ['shipment', 'transfer_out']

const orderCount = { fn: 'count', as: 'orders' } as const
const units = { fn: 'sum', field: 'quantity', as: 'units' } as const

/**
 * The sales measures, named the same in every report (labels in measures.ts):
 * `netSales` — net line totals after discounts, before tax; `tax`; `grossSales` — with tax.
 * On orders: grossSales = Σ total, tax = Σ taxTotal, netSales = grossSales − tax (so an
 * order-level discount is in it). On lines: netSales = Σ lineTotal, tax = Σ taxAmount,
 * grossSales = netSales + tax (order-level discounts belong to no product: see docs/reporting.md).
 */
const orderSales = [
  { fn: 'sum', field: 'total', as: 'grossSales' },
  { fn: 'sum', field: 'taxTotal', as: 'tax' },
  { formula: 'grossSales - tax', as: 'netSales' },
] as const
const lineSales = [
  { fn: 'sum', field: 'lineTotal', as: 'netSales' },
  { fn: 'sum', field: 'taxAmount', as: 'tax' },
  { formula: 'netSales + tax', as: 'grossSales' },
] as const

/**
 * The reports the plugin ships, seeded as `builtIn` definitions on install and refreshed on
 * upgrade. Each is ordinary data: copy one under a new code to change it.
 */
export const BUILT_IN_REPORTS: ReportDefinition[] = [
  {
    code: 'sales-by-period',
    name: 'Sales by period',
    label: { en: 'Sales by period', 'zh-CN': '按期间销售' },
    entity: 'order',
    dimensions: [],
    measures: [orderCount, ...orderSales, { formula: 'netSales / orders', as: 'averageNetSales' }],
    filters: { status: { $in: SOLD } },
    periodGrouping: 'month',
  },
  {
    code: 'sales-by-partner',
    name: 'Sales by partner',
    label: { en: 'Sales by partner', 'zh-CN': '按合作伙伴销售' },
    entity: 'order',
    dimensions: ['partnerId', { field: 'partner.name', as: 'partnerName' }],
    measures: [orderCount, ...orderSales],
    filters: { status: { $in: SOLD }, $sort: { netSales: -1 } },
    periodGrouping: 'none',
  },
  {
    code: 'sales-by-product',
    name: 'Sales by product',
    label: { en: 'Sales by product', 'zh-CN': '按产品销售' },
    entity: 'orderLine',
    dimensions: [
      'productId',
      { field: 'product.sku', as: 'sku' },
      { field: 'product.name', as: 'productName' },
    ],
    measures: [units, ...lineSales, { fn: 'countDistinct', field: 'orderId', as: 'orders' }],
    filters: { 'order.status': { $in: SOLD }, $sort: { netSales: -1 } },
    periodGrouping: 'none',
  },
  {
    code: 'sales-by-category',
    name: 'Sales by category',
    label: { en: 'Sales by category', 'zh-CN': '按品类销售' },
    entity: 'orderLine',
    dimensions: [
      { field: 'product.categoryId', as: 'categoryId' },
      { field: 'product.category.name', as: 'categoryName' },
    ],
    measures: [units, ...lineSales],
    filters: { 'order.status': { $in: SOLD }, $sort: { netSales: -1 } },
    periodGrouping: 'none',
  },
  {
    code: 'sales-by-territory',
    name: 'Sales by territory',
    label: { en: 'Sales by territory', 'zh-CN': '按区域销售' },
    entity: 'order',
    dimensions: [
      { field: 'partner.territoryId', as: 'territoryId' },
      { field: 'partner.territory.name', as: 'territoryName' },
    ],
    measures: [orderCount, ...orderSales],
    filters: { status: { $in: SOLD }, $sort: { netSales: -1 } },
    periodGrouping: 'none',
  },
  {
    code: 'margin-by-product',
    name: 'Margin by product',
    label: { en: 'Margin by product', 'zh-CN': '按产品毛利' },
    entity: 'orderLine',
    dimensions: [
      'productId',
      { field: 'product.sku', as: 'sku' },
      { field: 'product.name', as: 'productName' },
    ],
    measures: [
      units,
      lineSales[0],
      { fn: 'sum', field: 'quantity', times: 'product.cost', as: 'cost' },
      { formula: 'netSales - cost', as: 'margin' },
      { formula: '(netSales - cost) * 100 / netSales', as: 'marginPct', decimals: 2 },
    ],
    filters: { 'order.status': { $in: SOLD }, $sort: { margin: -1 } },
    periodGrouping: 'none',
  },
  {
    code: 'ar-aging',
    name: 'Receivables aging',
    label: { en: 'Receivables aging', 'zh-CN': '应收账款账龄' },
    entity: 'invoice',
    dimensions: ['dueDate:aging'],
    measures: [
      { fn: 'count', as: 'invoices' },
      { fn: 'sum', field: 'total', as: 'billed' },
      { fn: 'sum', field: 'amountPaid', as: 'paid' },
      { fn: 'sum', field: 'creditTotal', as: 'credited' },
      { formula: 'billed - paid - credited', as: 'outstanding' },
    ],
    filters: { status: { $in: OPEN_INVOICES } },
    periodGrouping: 'none',
  },
  {
    code: 'stock-valuation',
    name: 'Stock valuation',
    label: { en: 'Stock valuation', 'zh-CN': '库存估值' },
    entity: 'stockLevel',
    dimensions: ['warehouseId', { field: 'warehouse.name', as: 'warehouseName' }],
    measures: [
      { fn: 'count', as: 'items' },
      { fn: 'sum', field: 'onHand', as: 'onHand' },
      { fn: 'sum', field: 'onHand', times: 'product.cost', as: 'value' },
    ],
    filters: {},
    periodGrouping: 'none',
  },
  {
    code: 'slow-movers',
    name: 'Slow movers',
    label: { en: 'Slow movers', 'zh-CN': '滞销品' },
    entity: 'stockLevel',
    dimensions: [
      'productId',
      { field: 'product.sku', as: 'sku' },
      { field: 'product.name', as: 'productName' },
      'warehouseId',
    ],
    measures: [
      { fn: 'sum', field: 'onHand', as: 'onHand' },
      { fn: 'sum', field: 'onHand', times: 'product.cost', as: 'value' },
    ],
    filters: {
      onHand: { $gt: 0 },
      $without: {
        entity: 'stockMovement',
        match: { productId: 'productId', warehouseId: 'warehouseId' },
        where: { kind: { $in: OUTBOUND } },
        within: { field: 'occurredAt', days: 90 },
      },
      $sort: { value: -1 },
    },
    periodGrouping: 'none',
  },
  {
    code: 'top-customers',
    name: 'Top customers',
    label: { en: 'Top customers', 'zh-CN': '重点客户' },
    entity: 'order',
    dimensions: ['customerId', { field: 'customer.name', as: 'customerName' }],
    measures: [orderCount, ...orderSales],
    filters: { status: { $in: SOLD }, $sort: { netSales: -1 }, $limit: 10 },
    periodGrouping: 'none',
  },
  {
    code: 'campaign-results',
    name: 'Campaign results',
    label: { en: 'Campaign results', 'zh-CN': '营销活动效果' },
    entity: 'orderLine',
    dimensions: [
      { field: 'promotion.campaignId', as: 'campaignId' },
      { field: 'promotion.campaign.name', as: 'campaignName' },
    ],
    measures: [
      { fn: 'countDistinct', field: 'orderId', as: 'orders' },
      units,
      ...lineSales,
      { fn: 'sum', field: 'discount', as: 'discount' },
    ],
    filters: { promotionId: { $ne: null }, 'order.status': { $in: SOLD }, $sort: { netSales: -1 } },
    periodGrouping: 'none',
  },
  {
    code: 'sla-compliance',
    name: 'SLA compliance',
    label: { en: 'SLA compliance', 'zh-CN': 'SLA 达成率' },
    entity: 'ticket',
    dimensions: ['priority'],
    measures: [
      { fn: 'count', as: 'tickets' },
      { fn: 'count', where: { slaBreached: false }, as: 'met' },
      { fn: 'count', where: { slaBreached: true }, as: 'breached' },
      { formula: 'met * 100 / tickets', as: 'compliancePct', decimals: 2 },
    ],
    filters: {},
    periodGrouping: 'none',
  },
  {
    code: 'commission-statement',
    name: 'Commission statement',
    label: { en: 'Commission statement', 'zh-CN': '佣金对账单' },
    entity: 'commission',
    dimensions: ['partnerId', { field: 'partner.name', as: 'partnerName' }],
    measures: [
      { fn: 'count', as: 'lines' },
      { fn: 'sum', field: 'amount', as: 'commission' },
    ],
    filters: { $sort: { commission: -1 } },
    periodGrouping: 'month',
  },
]

/**
 * Stores the shipped reports: new codes are created, existing built-ins get the shipped query
 * (their name, label and schedule stay as an admin set them). Definitions of admins are never touched.
 * @example await seedBuiltIns(ctx)
 */
export async function seedBuiltIns(ctx: PluginContext): Promise<number> {
  const service = ctx.app.service(DEFINITIONS_PATH)
  let written = 0
  for (const def of BUILT_IN_REPORTS) {
    const existing = (await ctx
      .knex('report_definitions')
      .where('code', def.code)
      .first('id', 'builtIn', 'label')) as { id: number; builtIn: boolean; label: unknown } | undefined
    const { code, name, label, ...query } = def
    if (!existing) await service.create({ code, name, label, ...query, schedule: null, builtIn: true })
    // the names in both languages are filled in once; an admin may rename them afterwards
    else if (existing.builtIn) await service.patch(existing.id, existing.label ? query : { ...query, label })
    else {
      ctx.logger.warn(`built-in report "${def.code}" not installed: an admin's report already uses that code`)
      continue
    }
    written++
  }
  return written
}
