/**
 * The dashboard a role's admin shared (`api/dashboard-layouts`, reporting plugin): the layout of
 * the first of the user's roles that has one, or undefined (the standard cards). The server only
 * answers the layouts of the reader's own roles (admins read every one, hence the role order).
 */
import { api } from '../api/client'
import type { UserInfo } from '../types/meta'

export interface LayoutCard {
  kind: 'card' | 'report'
  ref: string
  size?: 1 | 2 | 4
}

export async function roleLayout(
  user: UserInfo | null,
  plugins: string[] | undefined,
): Promise<LayoutCard[] | undefined> {
  if (!user || !plugins?.includes('reporting')) return undefined
  const page = await api.find<{ role: string; cards: LayoutCard[] }>('dashboard-layouts', {
    role: { $in: user.roles },
    $limit: 50,
  })
  const byRole = new Map(page.data.map((l) => [l.role, l.cards]))
  const role = user.roles.find((r) => (byRole.get(r) ?? []).length > 0)
  return role ? byRole.get(role) : undefined
}
