import { afterAll, describe, expect, it } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'

/**
 * Issue #13.21: client mistakes are 4xx, never 500. The named cases first, then a sweep that
 * sends malformed input to every mounted service and method (REST and socket.io) and to the
 * plain routes, and accepts any answer but a server error or one that shows internals.
 */
// started while the file is collected: the sweep makes one test per mounted service
const p: TestPlatform = await startTestPlatform()
let token = await p.login()
afterAll(async () => p.close())

interface Answer {
  status: number
  body: unknown
}

/** A raw request: the body is sent as given, with the headers given (JSON by default). */
async function send(
  method: string,
  path: string,
  body?: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(p.url + path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: body === undefined ? undefined : (body as BodyInit),
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed }
}

// a stack, a file path, or SQL: `select … from`, `insert into`, a parser or relation error (not `$select`)
const INTERNALS =
  /\bstack\b|node_modules|\/work\/|at [\w.<>]+ \(|(?<![$\w])select\s[^"]*\sfrom\s|\binsert into\b|syntax error|relation "/i
const leaks = (body: unknown) => INTERNALS.test(typeof body === 'string' ? body : JSON.stringify(body ?? ''))
/** A server error, or an error answer that shows internals (a success may quote SQL words, e.g. in API docs). */
const bad = (r: Answer) => r.status >= 500 || (r.status >= 400 && leaks(r.body))

describe('the named client mistakes answer 4xx with a clear message', () => {
  it('a body with Content-Encoding: gzip that is not gzip is a 400', async () => {
    const r = await send('POST', '/api/customers', '{"code":"GZ","name":"gz"}', {
      'content-encoding': 'gzip',
    })
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({
      name: 'BadRequest',
      message: expect.stringMatching(/could not be decoded.*Content-Encoding/),
    })
  })

  it('a NUL byte in a query value is a 400 naming the parameter', async () => {
    const r = await send('GET', '/api/customers?name=a%00b')
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({
      message: 'Invalid query: name must not contain a NUL character (\\u0000)',
      errors: [{ path: '/name' }],
    })
    const nested = await send('GET', '/api/customers?code[$in][]=A&code[$in][]=B%00')
    expect(nested.status).toBe(400)
    expect(nested.body).toMatchObject({ errors: [{ path: '/code/$in/1' }] })
  })

  it('a NUL byte in a body string is a 400 naming the field', async () => {
    const r = await send('POST', '/api/customers', JSON.stringify({ code: 'NUL-1', name: 'a\u0000b' }))
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({
      message: 'Invalid data: name must not contain a NUL character (\\u0000)',
      errors: [{ path: '/name' }],
    })
    const deep = await send(
      'POST',
      '/api/orders',
      JSON.stringify({ customerId: 1, lines: [{ productId: 1, quantity: 1, note: 'x\u0000' }] }),
    )
    expect(deep.status).toBe(400)
    expect(deep.body).toMatchObject({ errors: [{ path: '/lines/0/note' }] })
    expect((await p.http('GET', '/api/customers?code=NUL-1', undefined, token)).body.total).toBe(0)
  })

  it('prototype names as service paths are unknown paths, as ids are invalid ids', async () => {
    expect((await send('GET', '/api/constructor')).status).toBe(404)
    expect((await send('GET', '/api/__proto__')).status).toBe(404)
    expect((await send('GET', '/api/toString/valueOf')).status).toBe(404)
    const id = await send('GET', '/api/orders/__proto__')
    expect(id.status).toBe(400)
    expect(id.body).toMatchObject({ errors: [{ path: '/id' }] })
    expect((await send('PATCH', '/api/orders/constructor', '{}')).status).toBe(400)
    expect((await send('POST', '/api/orders/__proto__/submit', '{}')).status).toBeLessThan(500)
  })

  it('prototype names as service paths over socket.io answer an error with a code', async () => {
    const socket = io(p.url, { transports: ['websocket'], forceNew: true })
    try {
      await new Promise<void>((resolve) => socket.on('connect', () => resolve()))
      for (const path of ['__proto__', 'constructor', 'toString', 'api/__proto__', 'api/constructor']) {
        const err = await socketError(socket, 'find', path, {})
        expect(err, path).toMatchObject({
          name: 'NotFound',
          code: 404,
          message: `Service '${path}' not found`,
        })
        expect(err).not.toHaveProperty('stack')
      }
    } finally {
      socket.close()
    }
  })

  it('$limit=-1, $skip=-1 and $limit=abc on report files are 400s naming the parameter', async () => {
    for (const [qs, param] of [
      ['$limit=-1', '$limit'],
      ['$skip=-1', '$skip'],
      ['$limit=abc', '$limit'],
      ['$limit=201', '$limit'],
      ['reportCode[$ne]=x', 'reportCode'],
      ['bogus=1', 'bogus'],
    ]) {
      const r = await send('GET', `/api/report-files?${qs}`)
      expect(r.status, qs).toBe(400)
      expect(r.body, qs).toMatchObject({ errors: [{ path: `/${param}` }] })
      expect((r.body as { message: string }).message, qs).toMatch(`Invalid query: ${param} `)
    }
    expect((await send('GET', '/api/report-files?$limit=5&$skip=0')).status).toBe(200)
  })

  it('$limit and $skip on report runs are refused as unknown report parameters', async () => {
    for (const qs of ['$limit=-1', '$skip=-1', '$limit=abc', 'limit=-1', 'limit=abc']) {
      const r = await send('GET', `/api/reports/sales-by-product/run?${qs}`)
      expect(r.status, qs).toBe(400)
      expect((r.body as { message: string }).message, qs).toMatch(/limit|skip/)
    }
  })
})

/** The error a socket.io call answers with (undefined if it succeeded). */
const socketError = (socket: Socket, ...args: unknown[]) =>
  new Promise<Record<string, unknown> | undefined>((resolve) =>
    socket.emit(args[0] as string, ...args.slice(1), (err: Record<string, unknown> | null) =>
      resolve(err ?? undefined),
    ),
  )

const BAD_QUERIES = [
  '$limit=-1',
  '$skip=-1',
  '$limit=abc',
  '$limit[$gt]=1',
  '$skip=99999999999999999999',
  '$sort[id]=sideways',
  '$sort=1',
  '$select[$x]=1',
  '$total=maybe',
  '$or=1',
  '$or[0]=x',
  'id[$in][a]=1',
  'id[$nope]=1',
  'id=-1',
  'id=1.5',
  'name=a%00b',
  '%00=1',
  'a[b][c][d][e][f][g][h]=1',
  '__proto__[x]=1',
  'constructor[prototype][x]=1',
  'format=exe',
  'from=not-a-date',
  'x=%E0%A4%A',
  `x=${'a'.repeat(3000)}`,
]
const BAD_IDS = [
  '__proto__',
  'constructor',
  'toString',
  '-1',
  'abc',
  '1.5',
  '99999999999999999999',
  '%00',
  '%E0%A4%A',
  "1'--",
]
const BAD_BODIES: Array<[string, string, Record<string, string>?]> = [
  ['empty object', '{}'],
  ['array', '[]'],
  ['null', 'null'],
  ['string', '"x"'],
  ['number', '42'],
  ['truncated JSON', '{"a":'],
  ['__proto__ key', '{"__proto__":{"polluted":1},"name":"x"}'],
  ['constructor key', '{"constructor":{"prototype":{"polluted":1}}}'],
  ['NUL string', '{"name":"a\\u0000b","code":"N\\u0000"}'],
  ['NUL key', '{"na\\u0000me":"x"}'],
  ['operators as values', '{"id":{"$gt":1},"status":{"$in":["x"]},"quantity":{"$ne":0}}'],
  ['wrong types', '{"name":123,"code":[],"quantity":"lots","customerId":"abc","total":{},"active":"maybe"}'],
  ['huge numbers', '{"quantity":1e400,"customerId":99999999999999999999,"amount":"99999999999999999999.99"}'],
  ['deep nesting', '['.repeat(2000) + ']'.repeat(2000)],
  ['not gzip', '{"name":"x"}', { 'content-encoding': 'gzip' }],
  ['unknown encoding', '{"name":"x"}', { 'content-encoding': 'zstd-nope' }],
  ['form body', 'a[b][c]=1&__proto__[x]=1', { 'content-type': 'application/x-www-form-urlencoded' }],
  ['text body', 'hello', { 'content-type': 'text/plain' }],
  ['wrong content type', '{"name":"x"}', { 'content-type': 'application/xml' }],
]

/** Every service path with its REST methods; `:params` become `1`. */
function services(): Array<{ path: string; methods: string[] }> {
  const list = Object.entries(p.app.services as Record<string, object>).map(([path, service]) => {
    const options = (service as Record<symbol, { methods?: string[] } | undefined>)[
      Symbol.for('@feathersjs/service')
    ]
    return { path: path.replace(/:[^/]+/g, '1'), methods: options?.methods ?? [] }
  })
  return list.sort((a, b) => a.path.localeCompare(b.path))
}

/** The requests a service gets: bad queries on reads, bad ids everywhere an id goes, bad bodies on writes. */
function requestsFor(
  path: string,
  methods: string[],
): Array<[string, string, string?, Record<string, string>?]> {
  const out: Array<[string, string, string?, Record<string, string>?]> = []
  const base = `/${path}`
  if (methods.includes('find')) for (const q of BAD_QUERIES) out.push(['GET', `${base}?${q}`])
  for (const id of BAD_IDS) {
    if (methods.includes('get')) out.push(['GET', `${base}/${id}`])
    if (methods.includes('patch')) out.push(['PATCH', `${base}/${id}`, '{"name":"x"}'])
    if (methods.includes('update')) out.push(['PUT', `${base}/${id}`, '{"name":"x"}'])
    if (methods.includes('remove')) out.push(['DELETE', `${base}/${id}`])
  }
  for (const [, body, headers] of BAD_BODIES) {
    if (methods.includes('create')) out.push(['POST', base, body, headers])
    // id 1 may exist (the first admin is user 1): only bodies that must be refused as a whole
    if (methods.includes('patch') && body !== '{}') out.push(['PATCH', `${base}/999999`, body, headers])
  }
  for (const q of ['$limit=-1', 'name=a%00b', '__proto__[x]=1']) {
    if (methods.includes('create')) out.push(['POST', `${base}?${q}`, '{}'])
    if (methods.includes('remove')) out.push(['DELETE', `${base}/999999?${q}`])
  }
  return out
}

describe('sweep: malformed input to every mounted route is never a server error', () => {
  it('covers the services the plugins mount', () => {
    const paths = services().map((s) => s.path)
    expect(paths.length).toBeGreaterThan(80)
    expect(paths).toEqual(
      expect.arrayContaining([
        'api/customers',
        'api/orders/1/submit',
        'api/report-files',
        'api/reports/1/run',
        'api/audit',
        'api/rules',
      ]),
    )
  })

  for (const { path, methods } of services()) {
    it(`answers malformed REST requests to /${path} below 500, without internals`, async () => {
      const failures: string[] = []
      const requests = requestsFor(path, methods)
      // a few at a time: the server is the thing under test, not the client's patience
      for (let i = 0; i < requests.length; i += 4) {
        await Promise.all(
          requests.slice(i, i + 4).map(async ([method, url, body, headers]) => {
            const r = await send(method, url, body, headers)
            if (bad(r))
              failures.push(
                `${method} ${url.slice(0, 120)} ${body?.slice(0, 40) ?? ''} → ${r.status} ${JSON.stringify(r.body).slice(0, 160)}`,
              )
          }),
        )
      }
      // a service that ends the session (sign-out) must not leave the next service unauthenticated
      if ((await send('GET', '/api/users?$limit=0')).status === 401) token = await p.login()
      expect(failures).toEqual([])
    })
  }

  it('answers every plain route below 500, without internals', async () => {
    const failures: string[] = []
    for (const path of [
      '/health',
      '/ready',
      '/metrics',
      '/api/openapi.json',
      '/api/docs',
      '/admin',
      '/admin/x/../../etc/passwd',
      '/sdk/x',
      '/api',
      '/',
      '/%E0%A4%A',
      '/api/%00',
    ]) {
      for (const q of ['', '?a=%00', '?__proto__[x]=1', '?x=%E0%A4%A']) {
        for (const method of ['GET', 'POST', 'OPTIONS']) {
          const r = await send(method, path + q, method === 'POST' ? '{"a":' : undefined)
          if (bad(r))
            failures.push(`${method} ${path}${q} → ${r.status} ${JSON.stringify(r.body).slice(0, 160)}`)
        }
      }
    }
    expect(failures).toEqual([])
  })

  it('answers every malformed socket.io call with an error that has a 4xx code and no stack', async () => {
    const socket = io(p.url, { transports: ['websocket'], forceNew: true })
    const failures: string[] = []
    try {
      await new Promise<void>((resolve) => socket.on('connect', () => resolve()))
      const auth = await new Promise<unknown>((resolve) =>
        socket.emit(
          'create',
          'api/authentication',
          { strategy: 'jwt', accessToken: token },
          {},
          (err: unknown) => resolve(err),
        ),
      )
      expect(auth).toBeFalsy()
      const calls: unknown[][] = [
        ['find', 123, {}],
        ['find', null, {}],
        ['find', { path: 'api/customers' }, {}],
        ['find', 'api/customers', { $limit: -1 }],
        ['find', 'api/customers', { name: 'a\u0000b' }],
        ['find', 'api/customers', 'not an object'],
        ['find', 'api/customers', { __proto__: { x: 1 } }],
        ['find', 'api/customers', {}, {}, {}],
        // names of Object's members where a field name goes (a query string's parser drops them; a socket does not)
        ['find', 'api/customers', { constructor: 'x' }],
        ['find', 'api/customers', { toString: { $in: ['x'] } }],
        ['find', 'api/customers', { $sort: { constructor: 1 } }],
        ['find', 'api/customers', { $select: ['hasOwnProperty'] }],
        ['find', 'api/customers', { $or: [{ valueOf: 1 }] }],
        ['create', 'api/customers', { code: 'P-1', name: 'x', constructor: 'x' }, {}],
        ['patch', 'api/customers', 999999, { toString: 'x' }, {}],
      ]
      for (const { path, methods } of services()) {
        if (methods.includes('find'))
          calls.push(
            ['find', path, { $limit: -1 }],
            ['find', path, { $skip: 'abc' }],
            ['find', path, { q: 'a\u0000' }],
          )
        if (methods.includes('get')) calls.push(['get', path, '__proto__', {}], ['get', path, { $gt: 1 }, {}])
        if (methods.includes('create'))
          calls.push(
            ['create', path, 'x', {}],
            ['create', path, null, {}],
            ['create', path, { name: 'a\u0000' }, {}],
          )
        if (methods.includes('patch'))
          calls.push(['patch', path, 'constructor', { name: 'x' }, {}], ['patch', path, 999999, [], {}])
        if (methods.includes('remove')) calls.push(['remove', path, '__proto__', {}])
      }
      for (const call of calls) {
        const err = await socketError(socket, ...call)
        if (!err) continue
        const code = err.code
        if (typeof code !== 'number' || code >= 500 || 'stack' in err || leaks(err))
          failures.push(`${JSON.stringify(call).slice(0, 100)} → ${JSON.stringify(err).slice(0, 200)}`)
      }
    } finally {
      socket.close()
    }
    expect(failures).toEqual([])
  })
})

describe('after plugins come and go', () => {
  it('keeps prototype names unknown when the route table is rebuilt (a plugin with actions switched off and on)', async () => {
    // notifications depends on service: off first, on again after
    expect((await p.http('PATCH', '/api/plugins/notifications', { enabled: false }, token)).status).toBe(200)
    expect((await p.http('PATCH', '/api/plugins/service', { enabled: false }, token)).status).toBe(200)
    try {
      expect((await send('GET', '/api/constructor')).status).toBe(404)
      // the order actions now stand in the rebuilt table, which no later mount has touched
      expect((await send('GET', '/api/orders/1/__proto__')).status).toBe(404)
      expect((await send('POST', '/api/orders/1/constructor', '{}')).status).toBe(404)
      expect((await send('GET', '/api/orders/__proto__')).status).toBe(400)
    } finally {
      expect((await p.http('PATCH', '/api/plugins/service', { enabled: true }, token)).status).toBe(200)
      expect((await p.http('PATCH', '/api/plugins/notifications', { enabled: true }, token)).status).toBe(200)
    }
    expect((await send('GET', '/api/tickets/1/__proto__')).status).toBe(404)
    expect((await send('POST', '/api/tickets/constructor/start', '{}')).status).toBe(400)
    expect((await send('GET', '/api/toString')).status).toBe(404)
  })
})
