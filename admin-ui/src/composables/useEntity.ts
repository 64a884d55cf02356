import { computed } from 'vue'
import { useRoute } from 'vue-router'
import { useMeta } from '../stores/meta'

/** The entity named by the route's `:entity` (its plural), from api/meta. */
export function useEntity() {
  const route = useRoute()
  const meta = useMeta()
  const entity = computed(() => meta.byPlural.get(String(route.params.entity ?? '')))
  const refs = computed(() => meta.byName)
  return { entity, refs, meta }
}
