/**
 * `/api/openapi.json` documents every route the server serves: each Feathers service method as
 * the Koa REST transport maps it (entities, actions, custom and admin services), and the plain
 * Koa system routes. The routes are enumerated from the running app, never from a list here.
 */
import { Ajv2020 } from 'ajv/dist/2020.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { systemRouteTable } from '../../core/src/app/routes.js'
import type { ActionInfo } from '@plume/core'

type Json = Record<string, unknown>

let p: TestPlatform
let doc: Json & {
  paths: Record<string, Record<string, Json>>
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> }
}

beforeAll(async () => {
  // every plugin the repository ships (PLUME_PLUGINS would restrict them)
  p = await startTestPlatform()
  const r = await p.http('GET', '/api/openapi.json')
  expect(r.status).toBe(200)
  doc = r.body
}, 120_000)
afterAll(async () => p?.close())

// Feathers' service options live under this registered symbol (see core/src/plugins/mount.ts)
const OPTIONS = Symbol.for('@feathersjs/service')
const STANDARD: Record<string, { verb: string; item: boolean }> = {
  find: { verb: 'get', item: false },
  get: { verb: 'get', item: true },
  create: { verb: 'post', item: false },
  update: { verb: 'put', item: true },
  patch: { verb: 'patch', item: true },
  remove: { verb: 'delete', item: true },
}

/** Every (verb, path) the REST transport answers, from the mounted services. */
function servedRoutes(): Array<{
  service: string
  method: string
  verb: string
  template: RegExp
  label: string
}> {
  const out = []
  for (const [path, svc] of Object.entries(
    p.app.services as Record<string, Record<symbol, { methods?: string[] }>>,
  )) {
    for (const method of svc[OPTIONS]?.methods ?? []) {
      const rest = STANDARD[method]
      // a custom method is called as POST <path> with `X-Service-Method: <name>`
      const verb = rest?.verb ?? 'post'
      const segments = `/${path}`
        .split('/')
        .map((s) => (s.startsWith(':') ? '\\{[^/}]+\\}' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      // update/patch/remove are served on `<path>/:id` and, with a null id, on `<path>` itself
      const itemTail = rest?.item ? (method === 'get' ? '/\\{[^/}]+\\}' : '(/\\{[^/}]+\\})?') : ''
      out.push({
        service: path,
        method,
        verb,
        template: new RegExp(`^${segments.join('/')}${itemTail}$`),
        label: `${verb.toUpperCase()} /${path}${rest?.item ? '/:id' : ''} (${path}.${method})`,
      })
    }
  }
  return out
}

/** Walks every value of the document; `scope` is the nearest schema with an `$id` (JSON Schema 2020-12 base). */
function walk(
  value: unknown,
  visit: (node: Json, at: string, scope: unknown) => void,
  at = '#',
  scope: unknown = value,
): void {
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, visit, `${at}/${i}`, scope))
  else if (value && typeof value === 'object') {
    const inner = typeof (value as Json).$id === 'string' ? value : scope
    visit(value as Json, at, inner)
    for (const [k, v] of Object.entries(value)) walk(v, visit, `${at}/${k}`, inner)
  }
}

const pointer = (root: unknown, ref: string): unknown =>
  ref
    .slice(2)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined),
      root,
    )

const VERBS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

describe('GET /api/openapi.json covers every mounted route', () => {
  it('lists every method of every Feathers service (entities, actions, custom and admin services)', () => {
    const routes = servedRoutes()
    // the full platform mounts far more than CRUD: actions and custom services are among them
    expect(routes.some((r) => r.service === 'api/orders/:id/submit')).toBe(true)
    expect(routes.some((r) => r.service === 'api/ar')).toBe(true)
    const documented = Object.entries(doc.paths)
    const missing = routes
      .filter((r) => !documented.some(([path, item]) => r.template.test(path) && item[r.verb] !== undefined))
      .map((r) => r.label)
    expect(missing, `routes missing from /api/openapi.json:\n${missing.join('\n')}`).toEqual([])
  })

  it('lists every plain Koa route of the system route table', () => {
    const missing = systemRouteTable(p.app)
      .map((r) => r.path)
      .filter((path) => doc.paths[path]?.get === undefined)
    expect(missing).toEqual([])
  })

  it('documents nothing that is not served', () => {
    const routes = servedRoutes()
    const system = new Set(systemRouteTable(p.app).map((r) => r.path))
    const extra: string[] = []
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const verb of VERBS.filter((v) => item[v] !== undefined)) {
        if (system.has(path) && verb === 'get') continue
        if (!routes.some((r) => r.verb === verb && r.template.test(path)))
          extra.push(`${verb.toUpperCase()} ${path}`)
      }
    }
    expect(extra).toEqual([])
  })

  it('gives each action its input schema, permission and states', () => {
    const actions = [...(p.app.get('actions') as Map<string, ActionInfo[]>).values()].flat()
    expect(actions.length).toBeGreaterThan(0)
    for (const a of actions) {
      const op = doc.paths[`/${a.path.replace(':id', '{id}')}`]?.post as Json | undefined
      expect(op, a.path).toBeDefined()
      expect(op!['x-plume-permission'], a.path).toBe(a.permission)
      const body = (op!.requestBody as { content: Record<string, { schema: Json }> }).content[
        'application/json'
      ]!.schema
      if (a.input) expect(body, a.path).toEqual(a.input)
      if (a.states) expect(op!['x-plume-states'], a.path).toEqual([...a.states])
    }
  })

  it('describes every shipped custom and admin service and every action (no generic fallback left)', () => {
    const actions = [...(p.app.get('actions') as Map<string, ActionInfo[]>).values()].flat()
    expect(actions.filter((a) => !a.input).map((a) => a.path)).toEqual([])
    const entityPaths = new Set([...p.app.get('entities').values()].map((e) => `api/${e.plural}`))
    const actionPaths = new Set(actions.map((a) => a.path))
    const undocumented: string[] = []
    for (const [path, svc] of Object.entries(
      p.app.services as Record<string, Record<string | symbol, unknown>>,
    )) {
      if (entityPaths.has(path) || actionPaths.has(path)) continue
      const docs = svc.docs as { operations?: Record<string, { summary?: string }> } | undefined
      for (const method of (svc[OPTIONS] as { methods?: string[] } | undefined)?.methods ?? []) {
        if (!docs?.operations?.[method]?.summary) undocumented.push(`${path}.${method}`)
      }
    }
    expect(undocumented).toEqual([])
  })

  it('validates an action body against its declared input schema, naming the field', async () => {
    const token = await p.login()
    const submit = doc.paths['/api/orders/{id}/submit']!.post!
    expect(submit['x-plume-states']).toEqual(['draft'])
    // checked before the record is looked up: an unknown field is refused even for a missing order
    const bad = await p.http('POST', '/api/orders/999999/submit', { bogus: 1 }, token)
    expect(bad.status).toBe(400)
    expect(bad.body.errors).toEqual([{ path: '/bogus', message: 'is not a known field' }])
    const reason = await p.http('POST', '/api/orders/999999/cancel', { reason: 'x'.repeat(501) }, token)
    expect(reason.status).toBe(400)
    expect(reason.body.errors[0].path).toBe('/reason')
    expect((await p.http('POST', '/api/orders/999999/submit', {}, token)).status).toBe(404)
  })

  it('declares bearer JWT and X-Api-Key security, and marks the public operations', () => {
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(doc.components.securitySchemes.apiKey).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-Api-Key',
    })
    expect(doc.security).toEqual([{ bearer: [] }, { apiKey: [] }])
    expect(doc.paths['/api/authentication']!.post!.security).toEqual([])
    expect(doc.paths['/health']!.get!.security).toEqual([])
    expect(doc.paths['/api/customers']!.get!.security).toBeUndefined()
  })
})

describe('the document follows what is mounted', () => {
  it('drops a plugin switched off at run time and lists it again once it is back on', async () => {
    const token = await p.login()
    const paths = async () => Object.keys((await p.http('GET', '/api/openapi.json')).body.paths as Json)
    // notifications depends on service: off first, on again after
    expect((await p.http('PATCH', '/api/plugins/notifications', { enabled: false }, token)).status).toBe(200)
    expect((await p.http('PATCH', '/api/plugins/service', { enabled: false }, token)).status).toBe(200)
    const off = await paths()
    expect(off).not.toContain('/api/tickets/{id}/close')
    expect(off).toContain('/api/orders/{id}/submit')
    expect((await p.http('PATCH', '/api/plugins/service', { enabled: true }, token)).status).toBe(200)
    expect((await p.http('PATCH', '/api/plugins/notifications', { enabled: true }, token)).status).toBe(200)
    expect(await paths()).toContain('/api/tickets/{id}/close')
  })
})

describe('the document is structurally valid OpenAPI 3.1', () => {
  it('has the required top-level fields', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/)
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) })
  })

  it('resolves every $ref', () => {
    const broken: string[] = []
    walk(doc, (node, at, scope) => {
      if (typeof node.$ref !== 'string') return
      if (!node.$ref.startsWith('#/') || pointer(scope, node.$ref) === undefined)
        broken.push(`${at}: ${node.$ref}`)
    })
    expect(broken).toEqual([])
  })

  it('gives every operation responses, a unique operationId and its path parameters', () => {
    const problems: string[] = []
    const ids = new Map<string, string>()
    for (const [path, item] of Object.entries(doc.paths)) {
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])
      for (const verb of VERBS.filter((v) => item[v] !== undefined)) {
        const op = item[verb] as Json
        const where = `${verb.toUpperCase()} ${path}`
        if (!op.responses || Object.keys(op.responses as Json).length === 0)
          problems.push(`${where}: no responses`)
        for (const [status, res] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
          if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(status)) problems.push(`${where}: response key ${status}`)
          if (typeof res.description !== 'string') problems.push(`${where} ${status}: no description`)
        }
        const id = op.operationId as string | undefined
        if (id !== undefined) {
          if (ids.has(id)) problems.push(`${where}: operationId ${id} also on ${ids.get(id)}`)
          ids.set(id, where)
        }
        const params = [...((item.parameters ?? []) as Json[]), ...((op.parameters ?? []) as Json[])]
        for (const name of templated) {
          const param = params.find((x) => x.in === 'path' && x.name === name)
          if (!param || param.required !== true)
            problems.push(`${where}: path parameter {${name}} not declared as required`)
        }
        for (const x of params) {
          if (!['query', 'header', 'path', 'cookie'].includes(String(x.in)))
            problems.push(`${where}: parameter ${String(x.name)} in ${String(x.in)}`)
          if (x.in === 'path' && !templated.includes(String(x.name)))
            problems.push(`${where}: path parameter ${String(x.name)} not in the path`)
        }
        for (const requirement of (op.security ?? []) as Json[]) {
          for (const scheme of Object.keys(requirement))
            if (!doc.components.securitySchemes[scheme])
              problems.push(`${where}: unknown security scheme ${scheme}`)
        }
      }
    }
    expect(problems).toEqual([])
  })

  it('has component schemas that compile as JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false })
    ajv.addSchema(doc as object, 'openapi')
    const failing: string[] = []
    for (const name of Object.keys(doc.components.schemas)) {
      try {
        ajv.compile({ $ref: `openapi#/components/schemas/${name}` })
      } catch (err) {
        failing.push(`${name}: ${(err as Error).message}`)
      }
    }
    expect(failing).toEqual([])
  })

  it('lists the operations on the readable docs page too', async () => {
    const html = await p.http('GET', '/api/docs')
    expect(html.status).toBe(200)
    expect(html.body).toContain('POST /api/orders/{id}/submit')
    expect(html.body).toContain('GET /api/credit-exposure')
  })
})
