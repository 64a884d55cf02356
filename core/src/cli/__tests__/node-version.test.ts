import { readFileSync } from 'node:fs'
import semver from 'semver'
import { describe, expect, it } from 'vitest'
import { nodeSatisfies, SUPPORTED_NODE, unsupportedNode } from '../node-version.js'

const ROOT = new URL('../../../../', import.meta.url)
const readJson = <T>(file: string): T => JSON.parse(readFileSync(new URL(file, ROOT), 'utf8')) as T

interface LockEntry {
  version?: string
  engines?: { node?: string } | string[]
}

describe('supported Node.js versions (#13.16)', () => {
  it('package.json promises exactly the versions start-up accepts', () => {
    expect(readJson<{ engines: { node: string } }>('package.json').engines.node).toBe(SUPPORTED_NODE)
  })

  it('every locked dependency supports the oldest version of each promised line (npm ci prints no EBADENGINE)', () => {
    const oldest = SUPPORTED_NODE.split('||').map((part) => semver.minVersion(part.trim())!.version)
    expect(oldest).toEqual(['20.19.0', '22.13.0', '24.0.0'])
    const lock = readJson<{ packages: Record<string, LockEntry> }>('package-lock.json')
    const refused: string[] = []
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node
      if (!range) continue
      for (const v of oldest)
        if (!semver.satisfies(v, range))
          refused.push(`${path}@${entry.version ?? ''} wants node ${range}, not ${v}`)
    }
    expect(refused).toEqual([])
  })

  it('accepts the promised lines and refuses the others with a message naming the range', () => {
    for (const v of ['20.19.0', '20.20.2', '22.13.0', '22.20.1', '24.0.0', '25.1.0'])
      expect(nodeSatisfies(v), v).toBe(true)
    for (const v of ['18.20.4', '20.18.3', '21.7.3', '22.12.0', '23.11.0'])
      expect(nodeSatisfies(v), v).toBe(false)
    expect(unsupportedNode('20.20.2')).toBeUndefined()
    expect(unsupportedNode('20.11.1')).toContain(SUPPORTED_NODE)
    expect(unsupportedNode(process.versions.node)).toBeUndefined()
  })

  it('agrees with npm semver on the promised range', () => {
    for (const v of ['20.0.0', '20.19.0', '21.0.0', '22.12.9', '22.13.0', '23.5.0', '24.0.0', '26.0.0']) {
      expect(nodeSatisfies(v), v).toBe(semver.satisfies(v, SUPPORTED_NODE))
    }
  })
})
