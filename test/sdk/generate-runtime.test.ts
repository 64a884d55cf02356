/**
 * The type generator on an entity created at run time: `POST /api/entity-definitions` adds
 * `lead`, `plume-sdk generate` runs against the running instance, and tsc compiles a program
 * using the generated `Lead` types — right calls pass, wrong ones are errors (an unused
 * `@ts-expect-error` fails the compile, so a missing or loose type fails the test).
 */
import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { leadDefinition } from '../metadata/helpers.js'

const run = promisify(execFile)
let p: TestPlatform
let token: string
const dir = join('test', 'sdk', '.tmp', `gen-runtime-${process.pid}`)

beforeAll(async () => {
  p = await startTestPlatform()
  token = await p.login()
}, 1_800_000)
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
  await p?.close()
})

describe('plume-sdk generate on a run-time entity', () => {
  it('writes the new entity’s types, which tsc compiles against', async () => {
    const created = await p.http('POST', '/api/entity-definitions', { definition: leadDefinition() }, token)
    expect(created.status).toBe(201)
    await mkdir(dir, { recursive: true })
    const sdk = relative(dir, 'sdk/src').split('\\').join('/')
    const gen = await run(process.execPath, [
      '--import',
      'tsx',
      'sdk/src/generate/cli.ts',
      'generate',
      '--url',
      p.url,
      '--out',
      join(dir, 'plume-types.ts'),
      '--token',
      token,
      '--types-module',
      `${sdk}/types.js`,
    ])
    expect(gen.stdout).toMatch(/^wrote /)
    const source = await readFile(join(dir, 'plume-types.ts'), 'utf8')
    expect(source).toContain('export interface Lead {')
    expect(source).toContain('leads: { row: Lead; create: LeadData; patch: LeadPatch }')
    await writeFile(
      join(dir, 'usage.ts'),
      [
        `import { createClient, rest, createItem, readItems, updateItem } from '${sdk}/index.js'`,
        `import type { Lead, Schema } from './plume-types.js'`,
        `const client = createClient<Schema>('http://127.0.0.1:3030').with(rest())`,
        `export async function use(): Promise<string> {`,
        `  const lead: Lead = await client.request(createItem('leads', { title: 'Big deal', customerId: null }))`,
        `  const page = await client.request(readItems<Schema, 'leads'>('leads', { title: { $like: 'B%' } }))`,
        `  await client.request(updateItem('leads', lead.id, { phone: '+86 10 1234' }))`,
        `  const phone: string | null | undefined = page.data[0]?.phone`,
        `  // @ts-expect-error title is required`,
        `  await client.request(createItem('leads', { phone: '1' }))`,
        `  // @ts-expect-error title is a string`,
        `  await client.request(createItem('leads', { title: 7 }))`,
        `  // @ts-expect-error no such field`,
        `  await client.request(updateItem('leads', lead.id, { budget: 1 }))`,
        `  return lead.title + String(phone)`,
        `}`,
        '',
      ].join('\n'),
    )
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noUncheckedIndexedAccess: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          types: [],
          skipLibCheck: true,
          noEmit: true,
        },
        files: ['usage.ts'],
      }),
    )
    const tsc = join('node_modules', 'typescript', 'bin', 'tsc')
    const compiled = await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')]).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    )
    expect(compiled.out).toBe('')
    expect(compiled.code).toBe(0)

    // the same program against types generated before the entity existed does not compile
    const before = source.replace(/leads: \{ row: Lead; create: LeadData; patch: LeadPatch \}\s*/, '')
    await writeFile(join(dir, 'plume-types.ts'), before)
    const stale = await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')]).then(
      () => ({ code: 0, out: '' }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    )
    expect(stale.code).not.toBe(0)
    expect(stale.out).toContain('leads')
  }, 600_000)
})
