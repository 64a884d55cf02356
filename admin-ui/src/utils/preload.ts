/** Fetching a screen's code ahead of the navigation that shows it. */
import type { RouteLocationRaw, Router } from 'vue-router'

type Loader = () => Promise<unknown>

/** A lazy route component (`() => import('…')`), told apart from a component the way Vue Router does. */
const isLoader = (c: unknown): c is Loader =>
  typeof c === 'function' && !('displayName' in c) && !('props' in c) && !('__vccOpts' in c)

/**
 * Starts fetching the code of the screens `to` shows (its lazy route components) without
 * navigating, so that it downloads while something else is awaited — the password check at sign
 * in, `api/meta` on a reload — instead of after it. Errors are left to the navigation itself.
 * @example preloadRoute(router, '/') // the app shell and the dashboard
 */
export function preloadRoute(router: Router, to: RouteLocationRaw): void {
  let matched: ReturnType<Router['resolve']>['matched']
  try {
    matched = router.resolve(to).matched
  } catch {
    return // not a location of this app: nothing to fetch
  }
  for (const record of matched)
    for (const c of Object.values(record.components ?? {})) if (isLoader(c)) c().catch(() => undefined)
}
