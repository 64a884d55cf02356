/** The widgets' texts in English and Simplified Chinese. */
export type Locale = 'en' | 'zh-CN'

const EN = {
  loading: 'Loading…',
  search: 'Search products',
  sku: 'SKU',
  product: 'Product',
  price: 'Your price',
  available: 'Available',
  inStock: (n: number) => `${n} in stock`,
  outOfStock: 'Out of stock',
  add: 'Add',
  noProducts: 'No products found',
  quantity: 'Quantity',
  lines: 'Order lines',
  remove: 'Remove',
  quote: 'Update prices',
  placeOrder: 'Place order',
  total: 'Total',
  tax: 'Tax',
  emptyCart: 'Add products from the catalog to start an order',
  submitted: (n: string) => `Order ${n} placed`,
  order: 'Order',
  status: 'Status',
  date: 'Date',
  noOrders: 'No orders yet',
  orders: 'Orders',
  sales: 'Sales',
  openInvoices: 'Open invoices',
  commissions: 'Commissions',
  invoice: 'Invoice',
  issueDate: 'Issued',
  dueDate: 'Due',
  balance: 'Balance due',
  noInvoices: 'No invoices yet',
  previous: 'Previous',
  next: 'Next',
  pageOf: (from: number, to: number, total: number) => `${from}–${to} of ${total}`,
  invoiceStatuses: {
    issued: 'Issued',
    partially_paid: 'Partially paid',
    paid: 'Paid',
    void: 'Void',
  } as Record<string, string>,
  error: 'Something went wrong',
  notAllowed: 'This page may not show this widget (check the key, session and allowed origins)',
  statuses: {
    draft: 'Draft',
    submitted: 'Submitted',
    approved: 'Approved',
    shipped: 'Shipped',
    delivered: 'Delivered',
    closed: 'Closed',
    cancelled: 'Cancelled',
  } as Record<string, string>,
}

const ZH: typeof EN = {
  loading: '加载中…',
  search: '搜索商品',
  sku: '编码',
  product: '商品',
  price: '您的价格',
  available: '库存',
  inStock: (n: number) => `有货 ${n}`,
  outOfStock: '缺货',
  add: '加入',
  noProducts: '没有找到商品',
  quantity: '数量',
  lines: '订单明细',
  remove: '移除',
  quote: '更新价格',
  placeOrder: '提交订单',
  total: '合计',
  tax: '税额',
  emptyCart: '从商品目录中添加商品以开始下单',
  submitted: (n: string) => `订单 ${n} 已提交`,
  order: '订单',
  status: '状态',
  date: '日期',
  noOrders: '暂无订单',
  orders: '订单数',
  sales: '销售额',
  openInvoices: '未结发票',
  commissions: '佣金',
  invoice: '发票',
  issueDate: '开票日期',
  dueDate: '到期日',
  balance: '未付余额',
  noInvoices: '暂无发票',
  previous: '上一页',
  next: '下一页',
  pageOf: (from: number, to: number, total: number) => `第 ${from}–${to} 条，共 ${total} 条`,
  invoiceStatuses: {
    issued: '已开具',
    partially_paid: '部分付款',
    paid: '已付款',
    void: '已作废',
  },
  error: '出错了',
  notAllowed: '此页面无权显示该组件（请检查密钥、会话和允许的来源）',
  statuses: {
    draft: '草稿',
    submitted: '已提交',
    approved: '已审批',
    shipped: '已发货',
    delivered: '已送达',
    closed: '已关闭',
    cancelled: '已取消',
  },
}

export type Messages = typeof EN

/**
 * The locale of a widget: its `lang` attribute, else the page's `<html lang>`; Chinese for any
 * `zh…`, English otherwise.
 * @example localeOf(el) // 'zh-CN'
 */
export function localeOf(el: Element): Locale {
  const lang = (
    el.closest('[lang]')?.getAttribute('lang') ??
    document.documentElement.lang ??
    ''
  ).toLowerCase()
  return lang.startsWith('zh') ? 'zh-CN' : 'en'
}

export const messages = (locale: Locale): Messages => (locale === 'zh-CN' ? ZH : EN)
