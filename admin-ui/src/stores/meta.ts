import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api } from '../api/client'
import type { ActionMeta, DashboardCard, EntityMeta, MetaResponse, UserInfo } from '../types/meta'

/** `api/meta`, loaded after sign-in: every screen is built from it at run time. */
export const useMeta = defineStore('meta', () => {
  const entities = ref<EntityMeta[]>([])
  const actions = ref<Record<string, ActionMeta[]>>({})
  const dashboard = ref<DashboardCard[]>([])
  /** The enabled plugins: their admin screens show (see `extensions/`). */
  const plugins = ref<string[]>([])
  const user = ref<UserInfo | null>(null)
  const loaded = ref(false)

  const byName = computed(() => new Map(entities.value.map((e) => [e.name, e])))
  const byPlural = computed(() => new Map(entities.value.map((e) => [e.plural, e])))
  /** Entities grouped by domain, in a stable order. */
  const domains = computed(() => {
    const m = new Map<string, EntityMeta[]>()
    for (const e of entities.value) m.set(e.domain, [...(m.get(e.domain) ?? []), e])
    return [...m.entries()].map(([domain, list]) => ({ domain, entities: list }))
  })

  async function load(): Promise<void> {
    const res = (await api.find('meta')) as unknown as MetaResponse
    entities.value = res.entities
    actions.value = res.actions ?? {}
    dashboard.value = res.dashboard ?? []
    plugins.value = res.plugins ?? []
    user.value = res.user
    loaded.value = true
  }

  function reset(): void {
    entities.value = []
    actions.value = {}
    plugins.value = []
    loaded.value = false
    user.value = null
  }

  return { entities, actions, dashboard, plugins, user, loaded, byName, byPlural, domains, load, reset }
})
