import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DefinitionLoadError, ENTITIES_DIR, loadEntities, loadEntityFiles } from '../load.js'
import { entityFile } from './fixtures.js'

const dirs: string[] = []
function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'plume-metadata-'))
  dirs.push(dir)
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true })
    writeFileSync(join(dir, rel), text)
  }
  return dir
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('loadEntityFiles', () => {
  it('reads *.json recursively, sorted by path, ignoring other files', () => {
    const dir = tempDir({
      'b/zeta.json': JSON.stringify(entityFile('zeta')),
      'a/alpha.json': JSON.stringify(entityFile('alpha')),
      'a/readme.md': '# not a definition',
    })
    const files = loadEntityFiles([dir])
    expect(files.map((f) => f.source)).toEqual([join(dir, 'a/alpha.json'), join(dir, 'b/zeta.json')])
    expect(files[0]?.raw).toEqual(entityFile('alpha'))
  })

  it('turns invalid JSON into an error naming the file, line and column', () => {
    const dir = tempDir({ 'crm/broken.json': '{\n  "type": "object",\n  "x-entity": }\n' })
    const [file] = loadEntityFiles([dir])
    expect(file?.source).toBe(join(dir, 'crm/broken.json'))
    expect(file?.parseError).toBe('invalid JSON at line 3 column 15: unexpected "}"')
  })

  it('reports a missing directory', () => {
    const [file] = loadEntityFiles(['/nonexistent/plume/entities'])
    expect(file).toMatchObject({
      source: '/nonexistent/plume/entities',
      parseError: 'entity directory does not exist',
    })
  })
})

describe('loadEntities', () => {
  it('returns the map when everything is valid, extra sources included', () => {
    const dir = tempDir({ 'x/alpha.json': JSON.stringify(entityFile('alpha')) })
    const entities = loadEntities([dir], [{ source: 'plugin:beta', raw: entityFile('beta') }])
    expect([...entities.keys()]).toEqual(['alpha', 'beta'])
    expect(entities.get('beta')?.source).toBe('plugin:beta')
  })

  it('throws DefinitionLoadError listing every error, one per line', () => {
    const dir = tempDir({
      'x/alpha.json': JSON.stringify(
        entityFile('alpha', {}, { total: { type: 'number', 'x-type': 'money' } }),
      ),
      'x/broken.json': '{ nope',
    })
    let caught: unknown
    try {
      loadEntities([dir])
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(DefinitionLoadError)
    const err = caught as DefinitionLoadError
    expect(err.errors.map((e) => [e.source, e.path])).toEqual([
      [join(dir, 'x/alpha.json'), '/properties/total/type'],
      [join(dir, 'x/broken.json'), ''],
    ])
    const lines = err.message.split('\n')
    expect(lines[0]).toBe('2 entity definition errors:')
    expect(lines[1]).toBe(
      `${join(dir, 'x/alpha.json')} /properties/total/type: money must be a decimal string: declare "type": "string" (or ["string", "null"]), e.g. "12.50"`,
    )
    expect(lines[2]).toBe(`${join(dir, 'x/broken.json')}: invalid JSON at line 1 column 3: unexpected "n"`)
  })

  it('ENTITIES_DIR points at metadata/entities', () => {
    expect(ENTITIES_DIR.replace(/\/$/, '').endsWith(join('metadata', 'entities'))).toBe(true)
  })
})
