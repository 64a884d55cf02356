import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { authenticate, getToken, setToken } from '../api/client'
import type { Row } from '../types/meta'

const USER_KEY = 'plume.user'

/** Who is signed in. The token lives in localStorage so a reload keeps the session. */
export const useSession = defineStore('session', () => {
  const token = ref<string | null>(getToken())
  const user = ref<Row | null>(JSON.parse(localStorage.getItem(USER_KEY) ?? 'null') as Row | null)
  const signedIn = computed(() => !!token.value)

  async function login(email: string, password: string): Promise<void> {
    const res = await authenticate(email, password)
    setToken(res.accessToken)
    token.value = res.accessToken
    user.value = res.user
    localStorage.setItem(USER_KEY, JSON.stringify(res.user))
  }

  function clear(): void {
    setToken(null)
    token.value = null
    user.value = null
    localStorage.removeItem(USER_KEY)
  }

  return { token, user, signedIn, login, clear }
})
