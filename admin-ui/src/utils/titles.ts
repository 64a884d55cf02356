/** Titles of referenced records (`customerId: 5` → "Acme"), fetched in batches and cached. */
import { reactive } from 'vue'
import { api } from '../api/client'
import { tr } from '../i18n'
import type { EntityMeta, LocalizedText, Row } from '../types/meta'
import { recordTitle, titleField } from './entity'

const cache = reactive(new Map<string, string>())
const pending = new Map<string, Set<number>>()
let timer: ReturnType<typeof setTimeout> | undefined

const key = (entity: string, id: number) => `${entity}:${id}`
const BATCH = 200
/**
 * What a reader sees for a record they may not read (their role cannot read the entity, or the record is
 * outside their rows) or that is gone: a label in their language, never the bare id.
 */
const NOT_AVAILABLE: LocalizedText = { en: 'Not available', 'zh-CN': '无权查看' }
const DENIED = '\u0000denied'
const shown = (hit: string): string => (hit === DENIED ? tr(NOT_AVAILABLE) : hit)

/**
 * The title of a referenced record: cached, "Not available" when the reader may not read it (an entity
 * missing from their metadata counts), or undefined while it is being fetched (a fetch is queued).
 */
export function titleOf(target: EntityMeta | undefined, id: unknown): string | undefined {
  if (typeof id !== 'number') return undefined
  if (!target) return tr(NOT_AVAILABLE)
  const k = key(target.name, id)
  const hit = cache.get(k)
  if (hit !== undefined) return shown(hit)
  const set = pending.get(target.plural) ?? new Set<number>()
  set.add(id)
  pending.set(target.plural, set)
  pendingMeta.set(target.plural, target)
  timer ??= setTimeout(flush, 20)
  return undefined
}

/** The cached title of a record, without asking the server (undefined when not known yet). */
export function knownTitle(target: EntityMeta, id: unknown): string | undefined {
  const hit = typeof id === 'number' ? cache.get(key(target.name, id)) : undefined
  return hit === undefined ? undefined : shown(hit)
}

/** A reference's text on screen: its title, "Not available", or "…" while it loads. */
export const refLabel = (target: EntityMeta | undefined, id: number): string => titleOf(target, id) ?? '…'

/**
 * Titles of `ids` fetched now (those not cached yet), for what is drawn once with them (a chart's
 * labels); `titleOf` then answers from the cache.
 * @example await loadTitles(partnerMeta, [9, 11]); titleOf(partnerMeta, 9) // "华东经销商"
 */
export async function loadTitles(target: EntityMeta | undefined, ids: readonly unknown[]): Promise<void> {
  for (const id of ids) titleOf(target, id)
  if (!pending.size) return
  clearTimeout(timer)
  await flush()
}

export function rememberTitle(target: EntityMeta, row: Row): void {
  cache.set(key(target.name, row.id), recordTitle(target, row))
}

const pendingMeta = new Map<string, EntityMeta>()

async function flush(): Promise<void> {
  timer = undefined
  const batches = [...pending.entries()]
  pending.clear()
  await Promise.all(
    batches.map(async ([plural, ids]) => {
      const target = pendingMeta.get(plural)
      if (!target) return
      const list = [...ids]
      const tf = titleField(target)
      // bounded requests (an export can reference thousands of ids; the server caps $in and $limit)
      for (let i = 0; i < list.length; i += BATCH) {
        const chunk = list.slice(i, i + BATCH)
        try {
          const res = await api.find(plural, {
            id: { $in: chunk },
            $limit: chunk.length,
            $select: tf === 'id' ? ['id'] : ['id', tf],
            $total: false,
          })
          for (const row of res.data) rememberTitle(target, row)
        } catch {
          /* no access to the target: "Not available" below */
        }
      }
      for (const id of list) if (!cache.has(key(target.name, id))) cache.set(key(target.name, id), DENIED)
    }),
  )
}
