import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { findPlugins, loadPluginModule, PluginLoadError } from '../discover.js'
import { ownedEntityNames, pluginEntitySources, pluginMigrations } from '../sources.js'

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/plugins', import.meta.url))
const HELLO = `${FIXTURES}/hello-plugin`

describe('plugin discovery', () => {
  it('loads a plugin folder through its package.json entry', async () => {
    const found = await loadPluginModule(HELLO)
    expect(found.def.name).toBe('hello')
    expect(found.root).toBe(HELLO)
  })

  it('loads a plugin module file and finds its package root', async () => {
    const found = await loadPluginModule(`${HELLO}/src/plugin.ts`)
    expect(found.def.version).toBe('1.0.0')
    expect(found.root).toBe(HELLO)
  })

  it('discovers every plugin folder under a directory, skipping folders that are not plugins', async () => {
    const found = await findPlugins({ dirs: [FIXTURES] })
    // test/fixtures/plugins: hello, and the loyalty example of docs/plugins.md
    expect(found.map((f) => f.def.name).sort()).toEqual(['hello', 'loyalty'])
    expect(await findPlugins({ dirs: [FIXTURES], only: new Set(['hello']) })).toHaveLength(1)
    expect(await findPlugins({ dirs: ['/nonexistent/plugins'], only: new Set([HELLO]) })).toEqual([
      expect.objectContaining({ root: HELLO }),
    ])
    expect(await findPlugins({ dirs: ['/nonexistent/plugins'] })).toEqual([])
  })

  it('loads an `only` entry that names no plugin folder as a package, and names one that is not installed', async () => {
    await expect(
      findPlugins({ dirs: [FIXTURES], only: new Set(['hello', 'plume-plugin-nowhere']) }),
    ).rejects.toThrow('Plugin package "plume-plugin-nowhere" not found')
  })

  it('refuses modules that export no definition', async () => {
    await expect(loadPluginModule(fileURLToPath(new URL('../order.ts', import.meta.url)))).rejects.toThrow(
      PluginLoadError,
    )
  })

  it('collects entity sources, owned entities and migrations', async () => {
    const found = await loadPluginModule(HELLO)
    const sources = pluginEntitySources(found)
    expect(sources.map((s) => s.source.split('/').pop()).sort()).toEqual([
      'customer-hello.json',
      'greeting.json',
    ])
    expect(ownedEntityNames(sources)).toEqual(['greeting'])
    expect((await pluginMigrations(found)).map((m) => m.name)).toEqual(['20260101000000-hello-log'])
  })
})
