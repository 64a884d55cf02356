import { defineAdminExtension } from '@plume/admin-ui/kit'
import { messages } from './messages'

/**
 * The reporting plugin's screens (under /admin/x/reporting/…): the report list in the user's
 * language and the runner (parameters, table, chart, CSV/XLSX export, schedule), which also
 * replaces the generic report detail screen (no JSON).
 */
export default defineAdminExtension({
  plugin: 'reporting',
  screens: [
    {
      name: 'report-list',
      path: 'reports',
      component: () => import('./ReportList.vue'),
      menu: {
        domain: 'reporting',
        label: { en: 'Run a report', 'zh-CN': '运行报表' },
        entity: 'reportDefinition',
        position: 10,
      },
    },
    { name: 'report-run', path: 'reports/:id', component: () => import('./ReportRunner.vue') },
  ],
  replaces: { reportDefinition: { detail: 'report-run' } },
  messages,
})
