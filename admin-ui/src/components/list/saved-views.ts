/**
 * Saved list views on the server (`api/saved-views`, the `savedView` entity): each user's own,
 * plus those shared with one of their roles. A view is the list's URL query and its columns.
 */
import { api } from '../../api/client'
import type { EntityMeta } from '../../types/meta'
import type { UrlQuery } from './url-state'

export interface SavedView {
  id: number
  name: string
  entity: string
  query: UrlQuery
  columns: string[]
  ownerId: number
  sharedWithRole: string | null
}

export interface Viewer {
  id: number
  roles: string[]
}

/**
 * The views of a list this user sees: their own and those shared with their roles (an admin
 * may read every view, but sees only these). Without access to saved views: none.
 */
export async function listViews(entity: string, viewer: Viewer): Promise<SavedView[]> {
  const or: Array<Record<string, unknown>> = [{ ownerId: viewer.id }]
  if (viewer.roles.length) or.push({ sharedWithRole: { $in: viewer.roles } })
  try {
    const res = await api.find<SavedView>('saved-views', { entity, $or: or, $sort: { name: 1 }, $limit: 200 })
    return res.data
  } catch {
    return []
  }
}

/** Saves a view under a name: the user's own view of that name is replaced, else a new one is made. */
export async function saveView(
  views: SavedView[],
  viewer: Viewer,
  v: Omit<SavedView, 'id' | 'ownerId'>,
): Promise<SavedView> {
  const same = views.find((x) => x.ownerId === viewer.id && x.name === v.name)
  const data = {
    name: v.name,
    entity: v.entity,
    query: v.query,
    columns: v.columns,
    sharedWithRole: v.sharedWithRole,
  }
  return same
    ? api.patch<SavedView>('saved-views', same.id, data)
    : api.create<SavedView>('saved-views', data)
}

export const removeView = (v: SavedView) => api.remove('saved-views', v.id)

/**
 * Roles a view can be shared with: those the user schema lists (what an admin sees in `api/meta`),
 * else the user's own roles.
 */
export function shareableRoles(userEntity: EntityMeta | undefined, own: string[]): string[] {
  const roles = (
    userEntity?.schema.properties as Record<string, { items?: { enum?: unknown[] } }> | undefined
  )?.roles?.items?.enum
  const listed = (roles ?? []).filter((r): r is string => typeof r === 'string')
  return listed.length ? listed : own
}
