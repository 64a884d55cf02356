import { defineAdminExtension } from '@plume/admin-ui/kit'

/** The orders plugin's admin screens (mounted under /admin/x/orders/…). */
export default defineAdminExtension({
  plugin: 'orders',
  screens: [],
})
