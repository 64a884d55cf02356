import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'element-plus/theme-chalk/base.css'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import './styles.css'
import App from './App.vue'
import { i18n, locale, setLocale } from './i18n'
import { router } from './router'
import { onSessionExpired } from './api/client'
import { useSession } from './stores/session'
import { useMeta } from './stores/meta'
import { preloadRoute } from './utils/preload'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia).use(i18n).use(router)
// a signed-in reload: the screen's code downloads beside api/meta, which the router waits for first
if (useSession(pinia).signedIn) preloadRoute(router, router.options.history.location)

onSessionExpired(() => {
  const session = useSession(pinia)
  if (!session.signedIn) return
  session.clear()
  useMeta(pinia).reset()
  const current = router.currentRoute.value
  void router.push({
    name: 'login',
    query: { expired: '1', ...(current.name !== 'login' ? { redirect: current.fullPath } : {}) },
  })
})

void setLocale(locale.value).finally(() => app.mount('#app'))
