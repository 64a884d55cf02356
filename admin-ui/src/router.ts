import {
  createRouter,
  createWebHistory,
  type RouteLocationNormalized,
  type RouteLocationRaw,
} from 'vue-router'
import { useMeta } from './stores/meta'
import { useSession } from './stores/session'
import { extensionRoutes, replacement } from './extensions'
import { adminRoutes } from './views/admin/menu'
import { builderRoutes } from './views/builder/routes'

export const router = createRouter({
  history: createWebHistory('/admin/'),
  routes: [
    {
      path: '/login',
      name: 'login',
      component: () => import('./views/LoginView.vue'),
      meta: { public: true },
    },
    {
      path: '/',
      component: () => import('./layouts/AppShell.vue'),
      children: [
        { path: '', name: 'home', component: () => import('./views/HomeView.vue') },
        { path: 'e/:entity', name: 'list', component: () => import('./views/EntityList.vue') },
        { path: 'e/:entity/new', name: 'create', component: () => import('./views/EntityForm.vue') },
        { path: 'e/:entity/:id', name: 'detail', component: () => import('./views/EntityDetail.vue') },
        { path: 'e/:entity/:id/edit', name: 'edit', component: () => import('./views/EntityForm.vue') },
        ...adminRoutes(),
        ...builderRoutes(),
        ...extensionRoutes(),
        { path: ':rest(.*)*', name: 'not-found', component: () => import('./views/NotFound.vue') },
      ],
    },
  ],
})

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  const session = useSession()
  if (!session.signedIn) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  const meta = useMeta()
  if (!meta.loaded) {
    try {
      await meta.load()
    } catch {
      // a 401 has already sent us to the login page; anything else: show the shell's error
      if (!session.signedIn) return { name: 'login', query: { expired: '1' } }
    }
  }
  return extensionGuard(to)
})

/** A plugin's screen only while the plugin is enabled; a generic screen a plugin replaces redirects to its screen. */
function extensionGuard(to: RouteLocationNormalized): RouteLocationRaw | true {
  const meta = useMeta()
  const plugin = to.meta.plugin
  if (typeof plugin === 'string' && !meta.plugins.includes(plugin)) {
    return { name: 'not-found', params: { rest: to.path.slice(1).split('/') } }
  }
  const screen = to.name === 'create' || to.name === 'edit' || to.name === 'detail' ? to.name : undefined
  const entity = screen ? meta.byPlural.get(String(to.params.entity))?.name : undefined
  const target = entity && screen ? replacement(entity, screen, meta.plugins) : undefined
  return target ? { name: target, params: to.params.id ? { id: to.params.id } : {}, query: to.query } : true
}
