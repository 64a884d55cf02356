import type { PlumeApp } from '../kernel/types.js'

/** The part of Feathers' route table (`@feathersjs/transport-commons` routing) this file reads. */
interface RouteNode {
  children: Record<string, RouteNode>
  placeholders: RouteNode[]
}

/**
 * Gives every node of a route table children without a prototype. Feathers keeps a node's
 * children in a plain object, so a path segment such as `__proto__`, `constructor` or `toString`
 * found `Object.prototype`'s members there and the lookup threw (a 500 over REST, an error
 * without a code over socket.io); now such a segment is an unknown path (404) or, where an id
 * goes, an id like any other.
 * @example detachPrototypes(app.routes.root)
 */
export function detachPrototypes(node: RouteNode): void {
  if (Object.getPrototypeOf(node.children) !== null) Object.setPrototypeOf(node.children, null)
  for (const child of Object.values(node.children)) detachPrototypes(child)
  for (const placeholder of node.placeholders) detachPrototypes(placeholder)
}

/**
 * Keeps the app's route table free of prototype lookups: now and after every service mounted
 * (services come and go with plugins; a table rebuilt by `unmountService` is hardened there).
 * @example hardenRoutes(app)
 */
export function hardenRoutes(app: PlumeApp): void {
  const table = () => (app as unknown as { routes?: { root?: RouteNode } }).routes?.root
  const harden = () => {
    const root = table()
    if (root) detachPrototypes(root)
  }
  harden()
  // mixins run on every `app.use`, after the routing mixin has inserted the new paths
  app.mixins.push(harden)
}
