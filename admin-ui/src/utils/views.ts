/** Saved list views, per user and entity, in localStorage. */
import type { Filters } from './filters'

export interface SavedView {
  name: string
  columns: string[]
  filters: Filters
  search: string
  sort: Record<string, 1 | -1>
  pageSize: number
}

const key = (userId: unknown, entity: string) => `plume.views.${String(userId ?? 'anon')}.${entity}`

export function loadViews(userId: unknown, entity: string): SavedView[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(key(userId, entity)) ?? '[]')
    return Array.isArray(v) ? (v as SavedView[]) : []
  } catch {
    return []
  }
}

export function storeViews(userId: unknown, entity: string, views: SavedView[]): void {
  localStorage.setItem(key(userId, entity), JSON.stringify(views))
}

const colKey = (userId: unknown, entity: string) => `plume.columns.${String(userId ?? 'anon')}.${entity}`
export const loadColumns = (userId: unknown, entity: string): string[] | undefined => {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(colKey(userId, entity)) ?? 'null')
    return Array.isArray(v) ? (v as string[]) : undefined
  } catch {
    return undefined
  }
}
export const storeColumns = (userId: unknown, entity: string, cols: string[]) => localStorage.setItem(colKey(userId, entity), JSON.stringify(cols))
