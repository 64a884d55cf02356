/**
 * Collects the plugins' admin extensions (`plugins/<name>/admin/index.ts`, bundled at build time)
 * and exposes what the router, the menu and the detail screen need. A plugin's screens show only
 * while it is enabled on the server.
 */
import type { RouteRecordRaw } from 'vue-router'
import { i18n } from '../i18n'
import type { AdminExtension, AdminScreen, DetailPanel } from './types'

const modules = import.meta.glob<AdminExtension>('../../../plugins/*/admin/index.ts', {
  eager: true,
  import: 'default',
})

export const extensions: AdminExtension[] = Object.values(modules).sort((a, b) =>
  a.plugin.localeCompare(b.plugin),
)

for (const ext of extensions) {
  if (!ext.messages) continue
  i18n.global.mergeLocaleMessage('en', { [ext.plugin]: ext.messages.en })
  i18n.global.mergeLocaleMessage('zh-CN', { [ext.plugin]: ext.messages['zh-CN'] })
}

/** Routes for every extension screen, as children of the app shell. */
export function extensionRoutes(): RouteRecordRaw[] {
  return extensions.flatMap((ext) =>
    (ext.screens ?? []).map((s) => ({
      path: `x/${ext.plugin}/${s.path}`,
      name: s.name,
      component: s.component,
      meta: { plugin: ext.plugin },
    })),
  )
}

/** The screens of the enabled plugins that have a menu entry, with their plugin. */
export function menuScreens(enabled: readonly string[]): Array<AdminScreen & { plugin: string }> {
  return extensions
    .filter((ext) => enabled.includes(ext.plugin))
    .flatMap((ext) => (ext.screens ?? []).filter((s) => s.menu).map((s) => ({ ...s, plugin: ext.plugin })))
    .sort((a, b) => (a.menu?.position ?? 1000) - (b.menu?.position ?? 1000))
}

/** The route that replaces a generic screen of `entity`, when an enabled plugin provides one. */
export function replacement(
  entity: string,
  screen: 'create' | 'edit' | 'detail',
  enabled: readonly string[],
): string | undefined {
  for (const ext of extensions) {
    const name = enabled.includes(ext.plugin) ? ext.replaces?.[entity]?.[screen] : undefined
    if (name) return name
  }
  return undefined
}

/** Panels the enabled plugins add to `entity`'s detail screen, in order. */
export function detailPanels(entity: string, enabled: readonly string[]): DetailPanel[] {
  return extensions
    .filter((ext) => enabled.includes(ext.plugin))
    .flatMap((ext) => (ext.panels ?? []).filter((p) => p.entity === entity))
    .sort((a, b) => (a.position ?? 1000) - (b.position ?? 1000))
}
