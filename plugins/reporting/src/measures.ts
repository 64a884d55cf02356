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
