import { onBeforeUnmount, watch, type Ref } from 'vue'
import { realtime } from '../api/client'
import type { Row } from '../types/meta'

export type RealtimeEvent = 'created' | 'patched' | 'updated' | 'removed'

/**
 * Listens to `api/<plural> created|patched|updated|removed` for as long as the component lives
 * (and follows `plural` when it changes).
 * @example useRealtime(() => 'customers', (event, row) => …)
 */
export function useRealtime(
  plural: Ref<string | undefined> | (() => string | undefined),
  handler: (event: RealtimeEvent, row: Row) => void,
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
    },
    { immediate: true },
  )
  onBeforeUnmount(unbind)
}
