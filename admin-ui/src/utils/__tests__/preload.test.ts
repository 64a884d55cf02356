import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { preloadRoute } from '../preload'

describe('preloadRoute', () => {
  it('starts loading the lazy components of every screen the location shows, and nothing else', () => {
    const loaded: string[] = []
    const lazy = (name: string) => () => {
      loaded.push(name)
      return Promise.resolve({ default: { name, render: () => null } })
    }
    const Eager = { name: 'EagerScreen', render: () => null }
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/login', component: lazy('Login') },
        {
          path: '/',
          component: lazy('Shell'),
          children: [
            { path: '', component: lazy('Home') },
            { path: 'e/:entity', component: lazy('List') },
            { path: 'about', component: Eager },
          ],
        },
      ],
    })
    preloadRoute(router, '/')
    expect(loaded).toEqual(['Shell', 'Home'])
    preloadRoute(router, '/about') // an eager component is not called
    expect(loaded).toEqual(['Shell', 'Home', 'Shell'])
    preloadRoute(router, { name: 'no-such-route' }) // unknown: nothing, no error
    expect(loaded).toHaveLength(3)
  })

  it('leaves a failed download to the navigation (no unhandled rejection)', async () => {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/', component: () => Promise.reject(new Error('offline')) }],
    })
    expect(() => preloadRoute(router, '/')).not.toThrow()
    await new Promise((r) => setTimeout(r, 0))
  })
})
