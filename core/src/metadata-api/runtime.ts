/**
 * The live model of one instance: the entity files it started with, the stored definitions it
 * last read, and `refresh()`, which rebuilds the model from both and brings the app in line —
 * the `entities` map (shared by validation, permissions, OpenAPI and api/meta) updated in place,
 * changed entity services mounted again, permissions reloaded. Every instance polls the
 * definitions' revision and refreshes when another one applied a change.
 */
import type { EntityDefinition, EntitySource } from '@plume/metadata'
import { stableStringify } from '../db/migrate/hash.js'
import { servicePath } from '../kernel/paths.js'
import type { PlumeApp } from '../kernel/types.js'
import { unmountService } from '../plugins/mount.js'
import { buildModel, type Model } from './model.js'
import { readStored, revision, type StoredDefinition } from './store.js'

declare module '../kernel/settings.js' {
  interface PlumeSettings {
    /** The run-time metadata of this instance (metadata-api). */
    metadataRuntime?: MetadataRuntime
  }
}

/** Where an entity's definition comes from. */
export type Ownership = { kind: 'core' } | { kind: 'plugin'; plugin: string } | { kind: 'custom' }

const fingerprint = (e: EntityDefinition) => stableStringify(e.schema)

export class MetadataRuntime {
  /** The revision (`plume_entity_versions` max id) the app serves. */
  seen = 0
  private queue: Promise<unknown> = Promise.resolve()
  stored = new Map<string, StoredDefinition>()
  files = new Map<string, EntityDefinition>()

  constructor(
    readonly app: PlumeApp,
    /** The entity files of core and the plugins, as loaded at start-up. */
    readonly fileSources: readonly EntitySource[],
  ) {}

  /** Takes the model the platform started with. */
  started(model: Model, stored: Map<string, StoredDefinition>, seen: number): void {
    this.files = model.files
    this.stored = stored
    this.seen = seen
    for (const r of model.rejected)
      this.app
        .get('logger')
        .error(
          { entity: r.name, errors: r.errors },
          `stored definition of ${r.name} left out: it no longer fits the entity files`,
        )
  }

  /** Core, a plugin (by the loaded plugins' entity files) or custom (made through the API). */
  ownership(name: string): Ownership {
    if (this.stored.get(name)?.kind === 'custom') return { kind: 'custom' }
    const plugin = this.app.get('plugins')?.plugins.find((p) => p.owns.includes(name))
    return plugin ? { kind: 'plugin', plugin: plugin.name } : { kind: 'core' }
  }

  /** Rebuilds the model from the files and the stored definitions and serves it. */
  refresh(): Promise<string[]> {
    const run = this.queue.then(() => this.rebuild())
    this.queue = run.catch(() => undefined)
    return run
  }

  /** Refreshes when another instance applied a change since the last look. */
  async check(): Promise<string[]> {
    const now = await revision(this.app.get('db').knex)
    return now === this.seen ? [] : this.refresh()
  }

  private async rebuild(): Promise<string[]> {
    const { knex } = this.app.get('db')
    const seen = await revision(knex)
    const stored = await readStored(knex)
    const model = buildModel(this.fileSources, stored)
    const entities = this.app.get('entities')
    const changed: string[] = []
    for (const [name, old] of entities) {
      if (model.entities.has(name)) continue
      entities.delete(name)
      await unmountService(this.app, servicePath(old))
      changed.push(name)
    }
    const mount = this.app.get('mountEntity')
    for (const [name, def] of model.entities) {
      const old = entities.get(name)
      if (old && fingerprint(old) === fingerprint(def) && old.source === def.source) continue
      const path = servicePath(def)
      // a disabled plugin's entity stays unmounted; a new (custom) one is mounted
      const serve = old
        ? path in this.app.services
        : this.ownership(name).kind !== 'plugin' || this.pluginEnabled(name)
      entities.set(name, def)
      if (old) await unmountService(this.app, servicePath(old))
      if (serve && mount) mount(def)
      changed.push(name)
    }
    this.files = model.files
    this.stored = stored
    if (changed.length > 0) {
      this.app.set('metadataRevision', (this.app.get('metadataRevision') ?? 0) + 1)
      await this.app.get('reloadPermissions')?.()
    }
    // the revision counts as served once everything above is in place
    this.seen = seen
    return changed
  }

  private pluginEnabled(name: string): boolean {
    const o = this.ownership(name)
    return o.kind !== 'plugin' || this.app.get('plugins')?.isEnabled(o.plugin) === true
  }
}
