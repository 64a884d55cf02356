/** `api/plugins`: list plugins, enable or disable them at run time (admins only). */
import { BadRequest, Forbidden } from '@feathersjs/errors'
import type { Id, Params } from '@feathersjs/feathers'
import { clientSafeErrors } from '../app/hooks.js'
import type { PlumeApp } from '../kernel/types.js'
import { requireAuth } from '../auth/setup.js'
import { pluginsDocs } from './docs.js'
import type { PluginHost, PluginInfo } from './host.js'
import { auditAdminChange } from '../audit/admin.js'

export const PLUGINS_PATH = 'api/plugins'

const isAdmin = (params: Params) => {
  const roles = (params as { user?: { roles?: unknown } }).user?.roles
  return Array.isArray(roles) && roles.includes('admin')
}

/** Errors may name what a plugin did wrong: only admins (and internal calls) see them. */
const visible = (info: PluginInfo, params: Params): PluginInfo =>
  !params.provider || isAdmin(params) ? info : { ...info, error: info.error === null ? null : 'failed' }

/**
 * The admin API over the plugin host.
 * @example await app.service('api/plugins').patch('hello', { enabled: false })
 */
export class PluginAdminService {
  /** With `app`, every switch is audited (`entity: 'plugin'`, action `enable` / `disable`). */
  constructor(
    private readonly host: PluginHost,
    private readonly app?: PlumeApp,
  ) {}

  async find(params: Params = {}): Promise<PluginInfo[]> {
    return this.host.list().map((i) => visible(i, params))
  }

  async get(id: Id, params: Params = {}): Promise<PluginInfo> {
    return visible(this.host.info(String(id)), params)
  }

  async patch(id: Id | null, data: unknown, params: Params = {}): Promise<PluginInfo> {
    if (params.provider && !isAdmin(params))
      throw new Forbidden('Only administrators may enable or disable plugins')
    if (id === null) throw new BadRequest('Patch one plugin at a time: PATCH /api/plugins/<name>')
    const body = data as Record<string, unknown> | null
    const extra = body && typeof body === 'object' ? Object.keys(body).filter((k) => k !== 'enabled') : []
    if (!body || typeof body.enabled !== 'boolean' || extra.length > 0) {
      throw new BadRequest('Send { "enabled": true } or { "enabled": false }', {
        errors: [
          ...(typeof body?.enabled === 'boolean' ? [] : [{ path: '/enabled', message: 'must be boolean' }]),
          ...extra.map((k) => ({ path: `/${k}`, message: 'is not allowed' })),
        ],
      })
    }
    const name = String(id)
    const was = this.host.info(name).enabled
    const info = body.enabled ? await this.host.enable(name) : await this.host.disable(name)
    // the switch spans migrations and lifecycle steps in their own transactions: audited once done
    if (this.app && info.enabled !== was) {
      await auditAdminChange(this.app, {
        action: body.enabled ? 'enable' : 'disable',
        entity: 'plugin',
        recordId: name,
        before: { enabled: was },
        after: { enabled: info.enabled },
        params,
      })
    }
    return info
  }
}

/** Mounts `api/plugins` with authentication for external calls. */
export function mountPluginAdmin(app: PlumeApp, host: PluginHost): void {
  app.use(PLUGINS_PATH, Object.assign(new PluginAdminService(host, app), { docs: pluginsDocs }), {
    methods: ['find', 'get', 'patch'],
  })
  app.service(PLUGINS_PATH).hooks({ around: { all: [clientSafeErrors(), requireAuth()] } })
}
