/** The alert builder's calls: api/alert-rules (+ /:id/dry-run) and api/alert-firings — public routes only. */
import { api } from '../../../api/client'
import type { Json } from './model'

export interface StoredAlertRule {
  id: number
  name: string
  kind: 'alert' | 'automation'
  enabled: boolean
  version: number
  definition: Json
}
export interface LeafResult {
  path: string
  fact: string
  factPath?: string
  operator: string
  value: unknown
  factValue: unknown
  result: boolean
  error?: string
}
export interface DryRun {
  matched: boolean
  evaluations: Array<{ item?: unknown; matched: boolean; conditions: LeafResult[]; error?: string }>
  actions: Array<{ type: string; wouldDo: unknown }>
}
export interface DryRunEvent {
  auditId: number
  at: string
  action: string
  recordId: string | null
  wouldFire: boolean
  undetermined?: true
  evaluations: DryRun['evaluations']
  actions: DryRun['actions']
  error?: string
}
export interface Firing {
  id: number
  ruleName: string
  status: string
  createdAt?: string
  firedAt?: string
  message?: string
  actions?: Array<{ type: string; status: string; error?: string }>
}

const RULES = 'alert-rules'
/** api/alert-rules answers a plain list (no pagination). */
export const listAlertRules = async (): Promise<StoredAlertRule[]> => {
  const r = (await api.find<StoredAlertRule>(RULES)) as unknown
  return Array.isArray(r) ? (r as StoredAlertRule[]) : (r as { data: StoredAlertRule[] }).data
}
export const getAlertRule = (id: number) => api.get<StoredAlertRule>(RULES, id)
export const saveAlertRule = (
  id: number | undefined,
  body: { kind: string; definition: Json; enabled: boolean; version?: number },
) => (id ? api.patch<StoredAlertRule>(RULES, id, body) : api.create<StoredAlertRule>(RULES, body))
export const setEnabled = (id: number, enabled: boolean) => api.patch<StoredAlertRule>(RULES, id, { enabled })
export const dryRun = (id: number, recordId: number) =>
  api.action<DryRun>(RULES, id, 'dry-run', { record: { id: recordId } })
/** The rule replayed on the last `n` matching events of the audit trail, newest first. */
export const dryRunEvents = async (id: number, n: number): Promise<DryRunEvent[]> =>
  (await api.action<{ events: DryRunEvent[] }>(RULES, id, 'dry-run', { lastEvents: n })).events
export const firingsOf = async (ruleName: string): Promise<Firing[]> =>
  (await api.find<Firing>('alert-firings', { ruleName, $limit: 20 })).data
