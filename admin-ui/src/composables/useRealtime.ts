import { onBeforeUnmount, watch, type Ref } from 'vue'
import { realtime } from '../api/client'
import type { Row } from '../types/meta'

export type RealtimeEvent = 'created' | 'patched' | 'updated' | 'removed'

/** The one event of a large bulk write (an import of more than 1,000 records), sent instead of one per record. */
export interface ImportedEvent {
  entity: string
  created: number
  updated: number
}

/**
 * Listens to `api/<plural> created|patched|updated|removed` for as long as the component lives
 * (and follows `plural` when it changes); `onImported` hears `api/<plural> imported`, the one
 * event a large import sends instead of its per-record events (a list then loads again).
 * @example useRealtime(() => 'customers', (event, row) => …, () => reload())
 */
export function useRealtime(
  plural: Ref<string | undefined> | (() => string | undefined),
  handler: (event: RealtimeEvent, row: Row) => void,
  onImported?: (summary: ImportedEvent) => void,
): void {
  const socket = realtime()
  const events: RealtimeEvent[] = ['created', 'patched', 'updated', 'removed']
  let bound: Array<[string, (row: Row) => void]> = []
  const unbind = () => {
    for (const [name, fn] of bound) socket.off(name, fn)
    bound = []
  }
  watch(
    plural,
    (p) => {
      unbind()
      if (!p) return
      for (const ev of events) {
        const fn = (row: Row) => handler(ev, row)
        socket.on(`api/${p} ${ev}`, fn)
        bound.push([`api/${p} ${ev}`, fn])
      }
      if (onImported) {
        const fn = (summary: Row) => onImported(summary as unknown as ImportedEvent)
        socket.on(`api/${p} imported`, fn)
        bound.push([`api/${p} imported`, fn])
      }
    },
    { immediate: true },
  )
  onBeforeUnmount(unbind)
}
