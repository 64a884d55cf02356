/**
 * The administration screens (core, not a plugin): their routes and menu entries. Only admins
 * get the menu entries; the screens themselves say so to anyone else, and the server refuses
 * their calls (403) anyway.
 */
import type { RouteRecordRaw } from 'vue-router'
import type { LocalizedText, UserInfo } from '../../types/meta'
import { builderMenu } from '../builder/routes'

interface AdminScreen {
  name: string
  path: string
  label: LocalizedText
  component: RouteRecordRaw['component']
}

const SCREENS: AdminScreen[] = [
  {
    name: 'admin-users',
    path: 'admin/users',
    label: { en: 'Users & roles', 'zh-CN': '用户与角色' },
    component: () => import('./UsersAdmin.vue'),
  },
  {
    name: 'admin-api-keys',
    path: 'admin/api-keys',
    label: { en: 'API keys', 'zh-CN': 'API 密钥' },
    component: () => import('./ApiKeysAdmin.vue'),
  },
  {
    name: 'admin-plugins',
    path: 'admin/plugins',
    label: { en: 'Plugins', 'zh-CN': '插件' },
    component: () => import('./PluginsAdmin.vue'),
  },
  {
    name: 'admin-audit',
    path: 'admin/audit',
    label: { en: 'Audit log', 'zh-CN': '审计日志' },
    component: () => import('./AuditAdmin.vue'),
  },
]

/** Routes of the administration screens, as children of the app shell. */
export const adminRoutes = (): RouteRecordRaw[] =>
  SCREENS.map(
    (s) => ({ path: s.path, name: s.name, component: s.component!, meta: { admin: true } }) as RouteRecordRaw,
  )

export const isAdmin = (user: UserInfo | null | undefined): boolean => !!user?.roles.includes('admin')

/** Menu entries of the "Administration" group for `user` (none unless an admin). */
export const adminMenu = (
  user: UserInfo | null | undefined,
): Array<{ name: string; path: string; label: LocalizedText }> =>
  isAdmin(user)
    ? [...SCREENS.map((s) => ({ name: s.name, path: `/${s.path}`, label: s.label })), ...builderMenu()]
    : []
