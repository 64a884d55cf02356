import type { LocalizedText } from '@plume/metadata'

/**
 * Labels of the measure names the built-in reports share, so "sales" means one thing on every
 * screen and export: a result column with one of these keys carries its label.
 */
export const MEASURE_LABELS: Record<string, LocalizedText> = {
  netSales: { en: 'Net sales (after discounts, before tax)', 'zh-CN': '销售净额（折扣后、不含税）' },
  tax: { en: 'Tax', 'zh-CN': '税额' },
  grossSales: { en: 'Gross sales (with tax)', 'zh-CN': '含税销售额' },
  averageNetSales: { en: 'Average net sales per order', 'zh-CN': '平均每单销售净额' },
  orders: { en: 'Orders', 'zh-CN': '订单数' },
  units: { en: 'Units', 'zh-CN': '数量' },
  cost: { en: 'Cost', 'zh-CN': '成本' },
  margin: { en: 'Margin (net sales − cost)', 'zh-CN': '毛利（销售净额 − 成本）' },
  marginPct: { en: 'Margin %', 'zh-CN': '毛利率 %' },
  discount: { en: 'Discount', 'zh-CN': '折扣' },
  invoices: { en: 'Invoices', 'zh-CN': '发票数' },
  billed: { en: 'Billed', 'zh-CN': '开票金额' },
  paid: { en: 'Paid', 'zh-CN': '已收款' },
  credited: { en: 'Credited', 'zh-CN': '已冲红' },
  outstanding: { en: 'Outstanding', 'zh-CN': '未收金额' },
}

/** Labels of the dimension columns the built-in reports name (`partnerName`, `sku` …). */
export const DIMENSION_LABELS: Record<string, LocalizedText> = {
  partnerId: { en: 'Partner', 'zh-CN': '合作伙伴' },
  partnerName: { en: 'Partner', 'zh-CN': '合作伙伴' },
  customerId: { en: 'Customer', 'zh-CN': '客户' },
  customerName: { en: 'Customer', 'zh-CN': '客户' },
  productId: { en: 'Product', 'zh-CN': '产品' },
  productName: { en: 'Product', 'zh-CN': '产品' },
  sku: { en: 'SKU', 'zh-CN': 'SKU' },
  categoryId: { en: 'Category', 'zh-CN': '品类' },
  categoryName: { en: 'Category', 'zh-CN': '品类' },
  territoryId: { en: 'Territory', 'zh-CN': '区域' },
  territoryName: { en: 'Territory', 'zh-CN': '区域' },
  warehouseId: { en: 'Warehouse', 'zh-CN': '仓库' },
  warehouseName: { en: 'Warehouse', 'zh-CN': '仓库' },
  campaignId: { en: 'Campaign', 'zh-CN': '营销活动' },
  campaignName: { en: 'Campaign', 'zh-CN': '营销活动' },
  priority: { en: 'Priority', 'zh-CN': '优先级' },
}

/** Labels of the other measures the built-in reports name. */
const OTHER_MEASURES: Record<string, LocalizedText> = {
  items: { en: 'Stock items', 'zh-CN': '库存条目' },
  onHand: { en: 'On hand', 'zh-CN': '在库数量' },
  value: { en: 'Value at cost', 'zh-CN': '成本金额' },
  tickets: { en: 'Tickets', 'zh-CN': '工单数' },
  met: { en: 'SLA met', 'zh-CN': 'SLA 达成' },
  breached: { en: 'SLA breached', 'zh-CN': 'SLA 超时' },
  compliancePct: { en: 'Compliance %', 'zh-CN': '达成率 %' },
  lines: { en: 'Lines', 'zh-CN': '明细数' },
  commission: { en: 'Commission', 'zh-CN': '佣金' },
  count: { en: 'Count', 'zh-CN': '数量' },
}

const SUFFIX_LABELS: Record<string, LocalizedText> = {
  day: { en: 'Day', 'zh-CN': '日' },
  week: { en: 'Week', 'zh-CN': '周' },
  month: { en: 'Month', 'zh-CN': '月份' },
  quarter: { en: 'Quarter', 'zh-CN': '季度' },
  year: { en: 'Year', 'zh-CN': '年度' },
  aging: { en: 'Days overdue', 'zh-CN': '逾期天数' },
}

/**
 * The English and Chinese label of a result column the plugin knows (shared measures, built-in
 * dimensions, period and aging columns), or undefined (screens then use the field's label).
 * @example columnLabel('orderDate:month') // { en: 'Month', 'zh-CN': '月份' }
 */
export function columnLabel(key: string): LocalizedText | undefined {
  const suffix = key.includes(':') ? key.slice(key.lastIndexOf(':') + 1) : undefined
  if (suffix) return SUFFIX_LABELS[suffix]
  return MEASURE_LABELS[key] ?? DIMENSION_LABELS[key] ?? OTHER_MEASURES[key]
}
