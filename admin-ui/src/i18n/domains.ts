import type { LocalizedText } from '../types/meta'

/** Labels of the shipped domains; a plugin's new domain shows its name until it is added here. */
export const DOMAIN_LABELS: Record<string, LocalizedText> = {
  identity: { en: 'Users & access', 'zh-CN': '用户与权限' },
  crm: { en: 'Customers', 'zh-CN': '客户管理' },
  catalog: { en: 'Catalog', 'zh-CN': '商品目录' },
  partners: { en: 'Partners', 'zh-CN': '渠道伙伴' },
  inventory: { en: 'Inventory', 'zh-CN': '库存' },
  purchasing: { en: 'Purchasing', 'zh-CN': '采购' },
  orders: { en: 'Orders', 'zh-CN': '订单' },
  finance: { en: 'Finance', 'zh-CN': '财务' },
  marketing: { en: 'Marketing', 'zh-CN': '市场营销' },
  service: { en: 'Service', 'zh-CN': '客户服务' },
  risk: { en: 'Risk', 'zh-CN': '风险' },
  reporting: { en: 'Reporting', 'zh-CN': '报表' },
  admin: { en: 'Administration', 'zh-CN': '系统管理' },
}

export const domainLabel = (domain: string, lang: string): string => {
  const l = DOMAIN_LABELS[domain]
  if (!l) return domain.charAt(0).toUpperCase() + domain.slice(1)
  return lang === 'zh-CN' ? l['zh-CN'] : l.en
}
