#!/usr/bin/env node
/**
 * `plume-sdk generate --url http://127.0.0.1:3030 --out src/plume-types.ts [--token T | --api-key K] [--types-module @plume/sdk/types]`
 * reads a running instance's `/api/openapi.json` and writes its types.
 */
import { openApiToTs, type OpenApiDocument } from './openapi-to-ts.js'

// The package compiles against browser types only (no Node globals leak into the client), so
// this Node-only entry reaches `process` and `node:fs` through small local types.
interface NodeProcess {
  argv: string[]
  exitCode?: number
  stdout: { write(s: string): void }
  stderr: { write(s: string): void }
}
interface NodeFs {
  writeFile(path: string, data: string): Promise<void>
  mkdir(path: string, opts: { recursive: true }): Promise<unknown>
}
const proc = (globalThis as unknown as { process: NodeProcess }).process

/** Parses `--name value` pairs. */
export function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a.startsWith('--')) {
      const [k, inline] = a.slice(2).split('=', 2) as [string, string | undefined]
      out[k] = inline ?? argv[++i] ?? ''
    } else out._ = a
  }
  return out
}

/**
 * Fetches the document and writes the types; returns the number of entities written.
 * @example await generate({ url: 'http://127.0.0.1:3030', out: 'src/plume-types.ts' })
 */
export async function generate(opts: {
  url: string
  out: string
  token?: string
  apiKey?: string
  typesModule?: string
}): Promise<string> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  if (opts.apiKey) headers['x-api-key'] = opts.apiKey
  const res = await fetch(`${opts.url.replace(/\/+$/, '')}/api/openapi.json`, { headers })
  if (!res.ok) throw new Error(`GET /api/openapi.json answered ${res.status}`)
  const source = openApiToTs((await res.json()) as OpenApiDocument, opts.typesModule)
  const fsName = 'node:fs/promises'
  const fs = (await import(fsName)) as NodeFs
  const dir = opts.out.replace(/[\\/][^\\/]*$/, '')
  if (dir && dir !== opts.out) await fs.mkdir(dir, { recursive: true })
  await fs.writeFile(opts.out, source)
  return source
}

async function main(): Promise<void> {
  const args = parseArgs(proc.argv.slice(2))
  if ((args._ && args._ !== 'generate') || !args.url || !args.out) {
    proc.stderr.write(
      'usage: plume-sdk generate --url http://127.0.0.1:3030 --out src/plume-types.ts [--token T | --api-key K] [--types-module @plume/sdk/types]\n',
    )
    proc.exitCode = 2
    return
  }
  const source = await generate({
    url: args.url,
    out: args.out,
    token: args.token,
    apiKey: args['api-key'],
    typesModule: args['types-module'],
  })
  proc.stdout.write(`wrote ${args.out} (${source.length} characters)\n`)
}

// run only as a program, not when imported (tests call `generate` directly)
if (proc?.argv[1] && /(?:^|[\\/])(cli\.[jt]s|plume-sdk)$/.test(proc.argv[1])) {
  main().catch((err: unknown) => {
    proc.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
    proc.exitCode = 1
  })
}
