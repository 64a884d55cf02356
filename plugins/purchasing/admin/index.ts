import { defineAdminExtension } from '@plume/admin-ui/kit'
import { messages } from './messages'

/** The purchasing plugin's screens (under /admin/x/purchasing/…): replenishment suggestions → draft purchase orders. */
export default defineAdminExtension({
  plugin: 'purchasing',
  screens: [
    {
      name: 'replenishment',
      path: 'replenishment',
      component: () => import('./ReplenishmentScreen.vue'),
      menu: {
        domain: 'purchasing',
        label: { en: 'Replenishment', 'zh-CN': '补货建议' },
        position: 10,
        entity: 'purchaseOrder',
      },
    },
  ],
  messages,
})
