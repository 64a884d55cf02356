import { defineAdminExtension } from '@plume/admin-ui/kit'
import { messages } from './messages'

/** The orders plugin's admin screens (mounted under /admin/x/orders/…). */
export default defineAdminExtension({
  plugin: 'orders',
  screens: [
    {
      name: 'order-entry',
      path: 'orders/new',
      component: () => import('./OrderEntry.vue'),
      menu: {
        domain: 'orders',
        label: { en: 'New order', 'zh-CN': '新建订单' },
        entity: 'order',
        position: 10,
      },
    },
    { name: 'order-entry-edit', path: 'orders/:id/edit', component: () => import('./OrderEntry.vue') },
  ],
  // the generic create and edit of an order open the order entry screen
  replaces: { order: { create: 'order-entry', edit: 'order-entry-edit' } },
  panels: [{ entity: 'order', component: () => import('./OrderLinesPanel.vue'), position: 10 }],
  messages,
})
