/** Mounting and unmounting services at run time (they may come and go after `listen`). */
import { detachPrototypes } from '../app/route-table.js'
import type { PlumeApp } from '../kernel/types.js'

interface RouteTable {
  insert(path: string, data: { service: unknown; params: Record<string, string> }): unknown
  root: Parameters<typeof detachPrototypes>[0]
}

const strip = (path: string) => path.replace(/^\/+|\/+$/g, '')

// Feathers keeps a service's options under this registered symbol (`getServiceOptions` is not a
// named export Node's ESM loader can see in the CommonJS build).
export const SERVICE_OPTIONS = Symbol.for('@feathersjs/service')

/**
 * Removes a service from the app and the router.
 * @example await unmountService(app, 'api/greetings/:id/wave')
 */
export async function unmountService(app: PlumeApp, path: string): Promise<void> {
  const location = strip(path)
  const services = app.services as Record<string, { teardown?: (app: PlumeApp, path: string) => unknown }>
  const service = services[location]
  if (!service) return
  if (!location.includes('/:')) {
    await app.unuse(location)
    return
  }
  // Feathers' router drops the whole `:id` branch when one path under it is removed, which would
  // take sibling actions (`api/orders/:id/cancel` with `…/submit`) along: drop the service, rebuild.
  if (typeof service.teardown === 'function') await service.teardown(app, location)
  delete services[location]
  const holder = app as unknown as { routes: RouteTable }
  const fresh = new (holder.routes.constructor as new () => RouteTable)()
  for (const [p, svc] of Object.entries(services)) {
    const routeParams =
      (svc as { [SERVICE_OPTIONS]?: { routeParams?: Record<string, string> } })[SERVICE_OPTIONS]
        ?.routeParams ?? {}
    fresh.insert(p, { service: svc, params: routeParams })
    fresh.insert(`${p}/:__id`, { service: svc, params: routeParams })
  }
  detachPrototypes(fresh.root)
  holder.routes = fresh
}
