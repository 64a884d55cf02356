/** The rule builder's calls: api/rules (+ /validate, /:id/versions) and api/permissions/explain — public routes only. */
import { api } from '../../../api/client'
import type { EntityMeta, MetaResponse } from '../../../types/meta'
import type { PermissionRuleJson } from './model'

export interface StoredRule {
  id: number
  name: string
  kind: string
  enabled: boolean
  version: number
  definition: PermissionRuleJson
}

export interface RuleVersion {
  version: number
  change: string
  definition: PermissionRuleJson
  enabled: boolean
  updatedAt: string
  updatedBy: number | null
}

export interface Explanation {
  allowed: boolean
  reason?: string
  matched: Array<{ rule: string; effect: string }>
  errors: Array<{ rule: string; message: string }>
  rowCondition: Record<string, unknown> | null
  hidden: string[]
  readOnly: string[]
  record?: { id: number; exists: boolean; inScope: boolean }
}

export const CRUD = ['find', 'get', 'create', 'patch', 'update', 'remove'] as const

/** The actions a rule may name for an entity: CRUD plus its record actions (`orders:submit`). */
export function actionsOf(entity: string, actions: MetaResponse['actions']): string[] {
  return [...CRUD, ...(actions[entity] ?? []).map((a) => a.permission)]
}

/** The fields a rule may name (not server-managed ones other than id). */
export const fieldsOf = (e: EntityMeta | undefined): string[] =>
  e ? e.fieldOrder.filter((f) => f === 'id' || !e.fields[f]?.writeOnly) : []

export const listRules = async (): Promise<StoredRule[]> =>
  ((await api.find<StoredRule>('rules', { kind: 'permission' })) as unknown as StoredRule[]).filter(
    (r) => r.kind === 'permission',
  )
export const getRule = (id: number) => api.get<StoredRule>('rules', id)
export const createRule = (definition: PermissionRuleJson, enabled: boolean) =>
  api.create<StoredRule>('rules', { definition: definition as unknown as Record<string, unknown>, enabled })
export const saveRule = (id: number, definition: PermissionRuleJson, enabled: boolean, version: number) =>
  api.patch<StoredRule>('rules', id, {
    definition: definition as unknown as Record<string, unknown>,
    enabled,
    version,
  })
export const removeRule = (id: number) => api.remove<StoredRule>('rules', id)
export const validateRule = (definition: PermissionRuleJson) =>
  api.create<{ valid: boolean; errors: Array<{ path: string; message: string }> }>('rules/validate', {
    definition: definition as unknown as Record<string, unknown>,
  })
export const ruleVersions = async (id: number): Promise<RuleVersion[]> =>
  (await api.find<RuleVersion>(`rules/${id}/versions`)) as unknown as RuleVersion[]
export const explain = (q: { userId: number; entity: string; action: string; recordId?: number }) =>
  api.find<Explanation>('permissions/explain', q) as unknown as Promise<Explanation>
