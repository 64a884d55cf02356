/**
 * The one extension point of the admin UI: a plugin ships `admin/index.ts` whose default export is
 * `defineAdminExtension({...})`. Its screens are mounted under `/x/<plugin>/…`, listed in the menu
 * (in the domain they name), and shown only while the plugin is enabled on the server (`api/meta`
 * lists the enabled plugins). Components are imported lazily, so a screen costs nothing until opened.
 */
import type { Component } from 'vue'
import type { LocalizedText } from '../types/meta'

export type LazyComponent = () => Promise<Component | { default: Component }>

export interface AdminScreen {
  /** Route name, unique across plugins (e.g. `order-entry`). */
  name: string
  /** Path under `/x/<plugin>/`, Vue Router syntax (e.g. `orders/new`, `orders/:id/edit`). */
  path: string
  component: LazyComponent
  /** A menu entry in `domain`'s group; omitted for screens reached from elsewhere (e.g. an edit screen). */
  menu?: {
    domain: string
    label: LocalizedText
    position?: number
    /** Shown only when the user may read this entity (as listed by `api/meta`). */
    entity?: string
  }
}

/** A panel added to an entity's generic detail screen (e.g. an order's lines), below the fields. */
export interface DetailPanel {
  entity: string
  component: LazyComponent
  position?: number
}

export interface AdminExtension {
  /** The plugin's name as the server knows it (its `name` in the plugin manifest). */
  plugin: string
  screens?: AdminScreen[]
  /**
   * Screens that replace a generic one for an entity: the generic route redirects there, with the
   * same `id` param (e.g. `{ order: { create: 'order-entry', edit: 'order-entry-edit' } }`).
   */
  replaces?: Record<string, { create?: string; edit?: string; detail?: string }>
  panels?: DetailPanel[]
  /** Texts, merged under the plugin's name: `t('<plugin>.<key>')`. Both languages are required. */
  messages?: { en: Record<string, unknown>; 'zh-CN': Record<string, unknown> }
}

/** Typed identity, for `export default defineAdminExtension({...})` in `plugins/<name>/admin/index.ts`. */
export function defineAdminExtension(extension: AdminExtension): AdminExtension {
  return extension
}
