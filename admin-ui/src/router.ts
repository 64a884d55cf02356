import { createRouter, createWebHistory } from 'vue-router'
import { useMeta } from './stores/meta'
import { useSession } from './stores/session'

export const router = createRouter({
  history: createWebHistory('/admin/'),
  routes: [
    { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
    {
      path: '/',
      component: () => import('./layouts/AppShell.vue'),
      children: [
        { path: '', name: 'home', component: () => import('./views/HomeView.vue') },
        { path: 'e/:entity', name: 'list', component: () => import('./views/EntityList.vue') },
        { path: 'e/:entity/new', name: 'create', component: () => import('./views/EntityForm.vue') },
        { path: 'e/:entity/:id', name: 'detail', component: () => import('./views/EntityDetail.vue') },
        { path: 'e/:entity/:id/edit', name: 'edit', component: () => import('./views/EntityForm.vue') },
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
  return true
})
