/**
 * The builder's screens (issue #17): routes under `/admin/builder/…`, lazy loaded, and their menu
 * entries in the Administration group. Admins only, as the metadata and rule APIs themselves (which
 * also need a permission rule granting the action: a screen shows the server's 403 otherwise).
 * Each builder area adds its screens to BUILDER_SCREENS (a line each).
 */
import type { RouteRecordRaw } from 'vue-router'
import type { LocalizedText } from '../../types/meta'

export interface BuilderScreen {
  name: string
  path: string
  component: RouteRecordRaw['component']
  /** Shown in the Administration menu when set. */
  label?: LocalizedText
}

export const BUILDER_SCREENS: BuilderScreen[] = [
  {
    name: 'builder-entities',
    path: 'builder/entities',
    label: { en: 'Entities & fields', 'zh-CN': '实体与字段' },
    component: () => import('./entities/EntitiesList.vue'),
  },
  {
    name: 'builder-entity',
    path: 'builder/entities/:name',
    component: () => import('./entities/EntityEditor.vue'),
  },
  {
    name: 'builder-rules',
    path: 'builder/rules',
    label: { en: 'Permission rules', 'zh-CN': '权限规则' },
    component: () => import('./rules/RulesHome.vue'),
  },
  { name: 'builder-rule', path: 'builder/rules/:id', component: () => import('./rules/RuleEditor.vue') },
  {
    name: 'builder-alerts',
    path: 'builder/alerts',
    label: { en: 'Alert rules', 'zh-CN': '告警规则' },
    component: () => import('./alerts/AlertsHome.vue'),
  },
  { name: 'builder-alert', path: 'builder/alerts/:id', component: () => import('./alerts/AlertEditor.vue') },
  {
    name: 'builder-reports',
    path: 'builder/reports',
    label: { en: 'Reports & dashboards', 'zh-CN': '报表与仪表盘' },
    component: () => import('./reports/ReportsHome.vue'),
  },
  {
    name: 'builder-report',
    path: 'builder/reports/:id',
    component: () => import('./reports/ReportDesigner.vue'),
  },
]

/** Routes of the builder screens, as children of the app shell. */
export const builderRoutes = (): RouteRecordRaw[] =>
  BUILDER_SCREENS.map(
    (s) =>
      ({
        path: s.path,
        name: s.name,
        component: s.component!,
        meta: { admin: true, builder: true },
      }) as RouteRecordRaw,
  )

/** The builder's menu entries (for admins; the caller checks). */
export const builderMenu = (): Array<{ name: string; path: string; label: LocalizedText }> =>
  BUILDER_SCREENS.filter((s) => s.label).map((s) => ({ name: s.name, path: `/${s.path}`, label: s.label! }))
