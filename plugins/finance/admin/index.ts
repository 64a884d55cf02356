import { defineAdminExtension } from '@plume/admin-ui/kit'
import { messages } from './messages'

/** The finance plugin's screens (under /admin/x/finance/…): payment entry with allocation to open invoices. */
export default defineAdminExtension({
  plugin: 'finance',
  screens: [
    {
      name: 'payment-entry',
      path: 'payments/new',
      component: () => import('./PaymentEntry.vue'),
      menu: {
        domain: 'finance',
        label: { en: 'Record a payment', 'zh-CN': '登记收款' },
        position: 10,
        entity: 'payment',
      },
    },
  ],
  // the generic "new payment" opens this screen: a payment is recorded with its allocations
  replaces: { payment: { create: 'payment-entry' } },
  messages,
})
