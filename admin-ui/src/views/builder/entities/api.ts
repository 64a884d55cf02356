/** The builder's calls to the run-time metadata API (docs/metadata.md "At run time"); public routes only. */
import { api } from '../../../api/client'
import type { LocalizedText } from '../../../types/meta'
import type { RawDefinition } from './definition'

export interface Ownership {
  kind: 'core' | 'plugin' | 'custom'
  plugin?: string
}

export interface DefinitionSummary {
  name: string
  plural: string
  table: string
  route: string
  ownership: Ownership
  customized: boolean
  version: number
  label: LocalizedText
  served: boolean
}

export interface DefinitionDetail extends DefinitionSummary {
  definition: RawDefinition
  file?: RawDefinition
}

export interface Plan {
  entity: string
  hash: string
  statements: string[]
  added: string[]
  renamed: Array<{ from: string; to: string }>
  retyped: Array<{
    field: string
    from: string
    to: string
    cast: string
    rowsFailing: number
    rowsChanged: number
  }>
  dropped: Array<{ field: string; rowsWithValues: number }>
  destructive: Array<{ step: string; field?: string; detail: string }>
  confirmRequired: string[]
  dataLost: string[]
  warnings: string[]
  blocked: Array<{ path?: string; message: string }>
}

export interface Applied extends Plan {
  version: number
}

export interface VersionRow {
  version: number
  kind: string
  renames: Record<string, string>
  statements: string[]
  reverse: { lossless?: boolean; notes?: string[] }
  actor: string | null
  appliedAt: string
}

const BASE = 'entity-definitions'

export const listDefinitions = () => api.find(BASE) as unknown as Promise<DefinitionSummary[]>
export const getDefinition = (name: string) => api.get<DefinitionDetail>(BASE, name)
export const createEntity = (definition: RawDefinition) => api.create<Applied>(BASE, { definition })
export const previewChange = (name: string, definition: RawDefinition, renames: Record<string, string>) =>
  api.action<Plan>(BASE, name, 'preview', { definition, renames })
export const applyChange = (
  name: string,
  body: { definition: RawDefinition; renames: Record<string, string>; confirm: string[]; hash: string },
) => api.action<Applied>(BASE, name, 'apply', body)
export const listVersions = (name: string) =>
  api.find(`${BASE}/${encodeURIComponent(name)}/versions`) as unknown as Promise<VersionRow[]>
export const rollback = (name: string, version: number, confirm: string[] = []) =>
  api.action<Applied>(BASE, name, 'rollback', { version, confirm })
