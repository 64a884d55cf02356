import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * The import graph of core/src: every static `import … from`, `import '…'` and
 * `export … from` of a relative path. `import type` is included on purpose: a type-only circle
 * still means two modules cannot be understood (or moved) one without the other, and the kernel
 * must not even name the types of the layers above it.
 */
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const KERNEL = join(SRC, 'kernel')
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|(?:^|\n)\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/g

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory())
      return name === '__tests__' || name === 'node_modules' ? [] : sources(path)
    return path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('.d.ts') ? [path] : []
  })
}

function resolveImport(from: string, spec: string): string {
  const abs = resolve(dirname(from), spec)
  const ts = abs.replace(/\.js$/, '.ts')
  for (const candidate of [ts, `${abs}.ts`, join(abs, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate
    } catch {
      // try the next form
    }
  }
  return ts
}

/** Module → the modules it imports (absolute paths of .ts files). */
export function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of sources(dir)) {
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '')
    const deps = new Set<string>()
    for (const m of text.matchAll(IMPORT)) deps.add(resolveImport(file, (m[1] ?? m[2])!))
    graph.set(file, [...deps])
  }
  return graph
}

/** Strongly connected components with more than one module (or a module importing itself). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0
  const idx = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const on = new Set<string>()
  const out: string[][] = []
  const visit = (v: string): void => {
    idx.set(v, index)
    low.set(v, index++)
    stack.push(v)
    on.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue
      if (!idx.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!))
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = []
      let w: string
      do {
        w = stack.pop()!
        on.delete(w)
        comp.push(w)
      } while (w !== v)
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(comp.sort())
    }
  }
  for (const v of graph.keys()) if (!idx.has(v)) visit(v)
  return out
}

const rel = (p: string) => relative(SRC, p)

describe('core import graph', () => {
  const graph = importGraph(SRC)

  it('finds the imports it is meant to find', () => {
    // guards the parser itself: a graph without edges would pass every check below
    const edges = [...graph.values()].reduce((n, d) => n + d.length, 0)
    expect(edges).toBeGreaterThan(200)
    expect(graph.get(join(SRC, 'index.ts'))?.map(rel)).toContain('platform.ts')
  })

  it('has no import circle', () => {
    const found = cycles(graph).map((c) => c.map(rel).join(' → '))
    expect(found, `import circles in core/src:\n${found.join('\n')}`).toEqual([])
  })

  it('kernel files import nothing outside the kernel', () => {
    const outside = [...graph]
      .filter(([file]) => file.startsWith(KERNEL + '/'))
      .flatMap(([file, deps]) =>
        deps.filter((d) => !d.startsWith(KERNEL + '/')).map((d) => `${rel(file)} imports ${rel(d)}`),
      )
    expect(outside).toEqual([])
  })

  it('the plugin host does not import the app assembly', () => {
    const host = [...graph]
      .filter(([file]) => rel(file).startsWith('plugins/'))
      .flatMap(([file, deps]) => deps.filter((d) => rel(d) === 'app/create-app.ts').map(() => rel(file)))
    expect(host).toEqual([])
  })
})
