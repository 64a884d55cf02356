/** The report designer's calls: api/reports, api/report-preview and api/dashboard-layouts — public routes only. */
import { api } from '../../../api/client'
import type { Definition, RunResult } from './model'

export interface StoredReport extends Definition {
  id: number
  builtIn?: boolean
  version?: number
}
export interface LayoutCard {
  kind: 'card' | 'report'
  ref: string
  size?: 1 | 2 | 4
}
export interface Layout {
  id: number
  role: string
  cards: LayoutCard[]
  version?: number
}

export const listReports = async (): Promise<StoredReport[]> =>
  (await api.findAll<StoredReport>('reports', { $sort: { name: 1 } }, { pageSize: 200 })).rows
export const getReport = (id: number | string) => api.get<StoredReport>('reports', id)
export const createReport = (d: Definition) => api.create<StoredReport>('reports', d)
export const saveReport = (id: number, d: Definition) => {
  const { code: _c, ...changes } = d
  return api.patch<StoredReport>('reports', id, changes)
}
export const removeReport = (id: number) => api.remove<StoredReport>('reports', id)
/** Runs the definition on the server with the reader's permissions (at most 200 rows); nothing is stored. */
export const previewReport = (definition: Definition, params: Record<string, unknown> = {}) =>
  api.create<RunResult & { available: boolean; message?: string }>('report-preview', { definition, params })

export const listLayouts = async (): Promise<Layout[]> =>
  (await api.find<Layout>('dashboard-layouts', { $limit: 200, $sort: { role: 1 } })).data
export const saveLayout = (role: string, cards: LayoutCard[], existing?: Layout) =>
  existing
    ? api.patch<Layout>('dashboard-layouts', existing.id, { cards })
    : api.create<Layout>('dashboard-layouts', { role, cards })
