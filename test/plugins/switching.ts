/**
 * Switching built-in plugins off and on in the plugin suites (grants.test.ts, ownership.test.ts):
 * who depends on a plugin, and the admin call that switches one.
 */
import { expect } from 'vitest'
import type { TestPlatform } from '@plume/core/testing'

/** A plugin as far as switching goes: its name and the plugins it depends on. */
export interface Switchable {
  name: string
  dependsOn: readonly string[]
}

/**
 * The plugins that depend on `name`, directly or not, in dependency order (switch them off in
 * reverse before `name`, on again after it).
 * @example for (const d of dependants(plugins, 'orders').reverse()) await switchPlugin(p, token, d, false)
 */
export function dependants(plugins: readonly Switchable[], name: string): string[] {
  const out = new Set<string>()
  for (const q of plugins) if (q.dependsOn.some((d) => d === name || out.has(d))) out.add(q.name)
  return plugins.map((q) => q.name).filter((n) => out.has(n))
}

/** Switches a plugin through `PATCH /api/plugins/:name` as an admin; fails the test unless it answers 200 with the new state. */
export async function switchPlugin(
  p: TestPlatform,
  token: string,
  name: string,
  enabled: boolean,
): Promise<void> {
  const r = await p.http('PATCH', `/api/plugins/${name}`, { enabled }, token)
  expect(
    [r.status, r.body?.enabled],
    `${enabled ? 'enable' : 'disable'} ${name}: ${JSON.stringify(r.body)}`,
  ).toEqual([200, enabled])
}
