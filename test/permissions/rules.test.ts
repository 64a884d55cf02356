import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWorld, type World } from './fixture.js'

let w: World
let admin: string
const api = (token: string, method: string, path: string, body?: unknown) =>
  w.p.http(method, path, body, token)
const role = (r: string) => ({ fact: 'user', path: '$.roles', operator: 'contains', value: r })

beforeAll(async () => {
  w = await startWorld()
  admin = w.users.admin!.token
})
afterAll(async () => w?.p.close())

describe('api/rules', () => {
  it('lists the seeded default rules, admin only', async () => {
    const r = await api(admin, 'GET', '/api/rules')
    expect(r.status).toBe(200)
    const names = r.body.map((x: { name: string }) => x.name)
    expect(names).toEqual(
      expect.arrayContaining(['admin-all', 'users-self-read', 'partner-orders', 'auditor-read-all']),
    )
    expect(r.body[0]).toMatchObject({ kind: 'permission', version: 1, enabled: true })
    expect((await api(w.users.manager!.token, 'GET', '/api/rules')).status).toBe(403)
    expect(
      (await api(w.users.manager!.token, 'POST', '/api/rules', { definition: { name: 'x' } })).status,
    ).toBe(403)
    // auditors read rules but cannot change them
    expect((await api(w.users.auditor!.token, 'GET', '/api/rules')).status).toBe(200)
    expect(
      (await api(w.users.auditor!.token, 'PATCH', `/api/rules/${r.body[0].id}`, { enabled: false })).status,
    ).toBe(403)
  })

  it('validates a rule at save: 400 with {path, message} per problem', async () => {
    const bad = {
      name: 'bad-rule',
      effect: 'allow',
      entities: ['order', 'bogusEntity'],
      actions: ['get', 'orders:fly', 'invoices:pay'],
      conditions: { all: [{ fact: 'user', path: '$.password', operator: 'equal', value: 'x' }] },
      row: { nope: 1, partnerId: { $fact: 'user.secret' } },
      fields: { hidden: ['ghost'] },
    }
    const r = await api(admin, 'POST', '/api/rules', { definition: bad })
    expect(r.status).toBe(400)
    const paths = r.body.errors.map((e: { path: string }) => e.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        '/definition/entities/1',
        '/definition/actions/2',
        '/definition/conditions/all/0/path',
        '/definition/row',
      ]),
    )
    const fields = await api(admin, 'POST', '/api/rules', {
      definition: { ...bad, entities: ['order'], actions: ['get'] },
    })
    expect(fields.status).toBe(400)
    expect(fields.body.errors).toEqual(
      expect.arrayContaining([
        {
          path: '/definition/row/partnerId',
          message: expect.stringMatching(/unknown fact reference "user.secret"/),
        },
        { path: '/definition/row/nope', message: 'is not a known field' },
        { path: '/definition/fields/hidden/0', message: 'unknown field "ghost" of order' },
      ]),
    )
    const deepScan = await api(admin, 'POST', '/api/rules', {
      definition: {
        ...bad,
        conditions: { all: [{ fact: 'user', path: '$..roles', operator: 'contains', value: 'a' }] },
      },
    })
    expect(deepScan.status).toBe(400)
    expect(deepScan.body.errors).toEqual([
      { path: '/definition/conditions/all/0/path', message: expect.stringMatching(/pattern/) },
    ])
    const custom = await api(admin, 'POST', '/api/rules', {
      definition: {
        ...bad,
        entities: ['order'],
        actions: ['get'],
        conditions: { all: [{ fact: 'user', path: '$.roles', operator: 'regexMatch', value: '.*' }] },
        row: undefined,
        fields: undefined,
      },
    })
    expect(custom.status).toBe(400)
    expect(custom.body.errors[0].path).toMatch(/^\/definition\/conditions/)
    const code = await api(admin, 'POST', '/api/rules', {
      definition: {
        name: 'code',
        effect: 'allow',
        entities: ['order'],
        actions: ['get'],
        conditions: { all: [{ fact: 'user', path: '$[?(@.constructor)]', operator: 'equal', value: 1 }] },
      },
    })
    expect(code.status).toBe(400)
    const rowOnDeny = await api(admin, 'POST', '/api/rules', {
      definition: {
        name: 'deny-row',
        effect: 'deny',
        entities: ['order'],
        actions: ['get'],
        conditions: { all: [role('x')] },
        row: { partnerId: 1 },
      },
    })
    expect(rowOnDeny.status).toBe(400)
    expect(rowOnDeny.body.errors.map((e: { path: string }) => e.path)).toContain('/definition/row')
    const unknownRowField = await api(admin, 'POST', '/api/rules', {
      definition: {
        name: 'r',
        effect: 'allow',
        entities: ['order'],
        actions: ['get'],
        conditions: { all: [role('x')] },
        row: { secret: 1 },
      },
    })
    expect(unknownRowField.status).toBe(400)
    expect(unknownRowField.body.errors[0]).toEqual({
      path: '/definition/row/secret',
      message: 'is not a known field',
    })
  })

  it('a saved rule takes effect at once; a patch bumps the version; history is kept', async () => {
    const t = w.users.nobody!.token
    expect((await api(t, 'GET', '/api/warehouses')).status).toBe(403)
    const created = await api(admin, 'POST', '/api/rules', {
      name: 'everyone-warehouses',
      effect: 'allow',
      entities: ['warehouse'],
      actions: ['find'],
      conditions: { all: [{ fact: 'user', path: '$.id', operator: 'greaterThan', value: 0 }] },
    })
    expect(created.status).toBe(201)
    expect(created.body.version).toBe(1)
    expect((await api(t, 'GET', '/api/warehouses')).status).toBe(200)
    const off = await api(admin, 'PATCH', `/api/rules/${created.body.id}`, { enabled: false })
    expect(off.body).toMatchObject({ version: 2, enabled: false, updatedBy: w.users.admin!.id })
    expect((await api(t, 'GET', '/api/warehouses')).status).toBe(403)
    const stale = await api(admin, 'PATCH', `/api/rules/${created.body.id}`, { enabled: true, version: 1 })
    expect(stale.status).toBe(409)
    const history = (await w.p.db
      .knex('plume_rule_versions')
      .where({ ruleId: created.body.id })
      .orderBy('version')) as Array<{ version: number; change: string }>
    expect(history.map((h) => [h.version, h.change])).toEqual([
      [1, 'create'],
      [2, 'update'],
    ])
    expect((await api(admin, 'DELETE', `/api/rules/${created.body.id}`)).status).toBe(200)
  })

  it('deny wins over allow, even over admin-all', async () => {
    const r = await api(admin, 'POST', '/api/rules', {
      name: 'no-deleting-partners',
      effect: 'deny',
      entities: ['partner'],
      actions: ['remove'],
      conditions: { all: [role('admin')] },
    })
    expect(r.status).toBe(201)
    const del = await api(admin, 'DELETE', `/api/partners/${w.ids.partnerB}`)
    expect(del.status).toBe(403)
    expect(del.body.message).toBe('You may not remove partner: denied by rule "no-deleting-partners"')
    await api(admin, 'DELETE', `/api/rules/${r.body.id}`)
  })

  it('a rule that errors denies (fail closed): a deny reading a missing fact, an allow whose fact is missing', async () => {
    const deny = await api(admin, 'POST', '/api/rules', {
      name: 'deny-suspended',
      effect: 'deny',
      entities: ['territory'],
      actions: ['find'],
      conditions: { all: [{ fact: 'user', path: '$.attributes.suspended', operator: 'equal', value: true }] },
    })
    expect(deny.status).toBe(201)
    // admin-all allows, but the deny cannot be evaluated (no attributes.suspended): denied
    const r = await api(admin, 'GET', '/api/territories')
    expect(r.status).toBe(403)
    expect(r.body.message).toMatch(/find territory/)
    await api(admin, 'DELETE', `/api/rules/${deny.body.id}`)
    expect((await api(admin, 'GET', '/api/territories')).status).toBe(200)
    const allow = await api(admin, 'POST', '/api/rules', {
      name: 'allow-by-region',
      effect: 'allow',
      entities: ['territory'],
      actions: ['find'],
      conditions: { all: [{ fact: 'user', path: '$.attributes.region', operator: 'equal', value: 'EU' }] },
    })
    expect(allow.status).toBe(201)
    expect((await api(w.users.nobody!.token, 'GET', '/api/territories')).status).toBe(403)
    await api(admin, 'DELETE', `/api/rules/${allow.body.id}`)
  })

  it('rules reading the incoming data and the current record', async () => {
    const r = await api(admin, 'POST', '/api/rules', {
      name: 'agents-close-only-resolved',
      effect: 'deny',
      entities: ['order'],
      actions: ['patch'],
      conditions: {
        all: [
          role('sales_manager'),
          { fact: 'record', path: '$.status', operator: 'equal', value: 'draft' },
          { fact: 'data', path: '$.cancelReason', operator: 'equal', value: 'forbidden' },
        ],
      },
    })
    expect(r.status).toBe(201)
    const t = w.users.manager!.token
    expect((await api(t, 'PATCH', `/api/orders/${w.ids.orderA}`, { cancelReason: 'forbidden' })).status).toBe(
      403,
    )
    // data lacks cancelReason: the deny cannot be evaluated → denied as well (fail closed)
    expect((await api(t, 'PATCH', `/api/orders/${w.ids.orderA}`, { notes: 'ok' })).status).toBe(403)
    await api(admin, 'DELETE', `/api/rules/${r.body.id}`)
    expect((await api(t, 'PATCH', `/api/orders/${w.ids.orderA}`, { notes: 'ok' })).status).toBe(200)
  })
})

describe('explain', () => {
  it('explains a partner user’s access to an order', async () => {
    const q = `userId=${w.users.partnerUserA!.id}&action=get&entity=order&recordId=${w.ids.orderB}`
    const r = await api(admin, 'GET', `/api/permissions/explain?${q}`)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      allowed: true,
      matched: [{ rule: 'partner-orders', effect: 'allow' }],
      rowCondition: { partnerId: w.ids.partnerA },
      hidden: [],
      readOnly: ['ownerId'],
      record: { id: w.ids.orderB, exists: true, inScope: false },
    })
    const own = await api(
      admin,
      'GET',
      `/api/permissions/explain?userId=${w.users.partnerUserA!.id}&action=get&entity=order&recordId=${w.ids.orderA}`,
    )
    expect(own.body.record).toEqual({ id: w.ids.orderA, exists: true, inScope: true })
    const cost = await api(
      w.users.auditor!.token,
      'GET',
      `/api/permissions/explain?userId=${w.users.partnerUserA!.id}&action=find&entity=product`,
    )
    expect(cost.status).toBe(200)
    expect(cost.body).toMatchObject({ allowed: true, hidden: ['cost'], rowCondition: null })
    const no = await api(
      admin,
      'GET',
      `/api/permissions/explain?userId=${w.users.partnerUserA!.id}&action=remove&entity=order`,
    )
    expect(no.body).toMatchObject({
      allowed: false,
      matched: [],
      reason: 'You may not remove order: no rule allows it',
    })
  })

  it('is for admins and auditors only, and validates its query', async () => {
    expect(
      (await api(w.users.manager!.token, 'GET', `/api/permissions/explain?userId=1&action=get&entity=order`))
        .status,
    ).toBe(403)
    expect((await api(admin, 'GET', `/api/permissions/explain?action=get`)).status).toBe(400)
  })
})

describe('admin services and actions are guarded by the same rules', () => {
  it('plugins: every signed-in user lists them, only admins change them', async () => {
    expect((await api(w.users.manager!.token, 'GET', '/api/plugins')).status).toBe(200)
    const off = await api(w.users.manager!.token, 'PATCH', '/api/plugins/perm-test-actions', {
      enabled: false,
    })
    expect(off.status).toBe(403)
    expect(off.body.message).toMatch(/patch plugin/)
    expect((await api(admin, 'GET', '/api/plugins')).status).toBe(200)
    expect((await api(w.users.auditor!.token, 'GET', '/api/plugins')).status).toBe(200)
    expect((await w.p.http('GET', '/api/plugins')).status).toBe(401)
  })

  it('order actions check the permission name and the row', async () => {
    const ua = w.users.partnerUserA!.token
    expect((await api(ua, 'POST', `/api/orders/${w.ids.orderA}/submit`, {})).status).toBe(201)
    expect((await api(ua, 'POST', `/api/orders/${w.ids.orderB}/submit`, {})).status).toBe(404)
    const ship = await api(ua, 'POST', `/api/orders/${w.ids.orderA}/ship`, {})
    expect(ship.status).toBe(403)
    expect(ship.body.message).toMatch(/orders:ship order/)
    expect((await api(w.users.warehouse!.token, 'POST', `/api/orders/${w.ids.orderB}/ship`, {})).status).toBe(
      201,
    )
  })
})

describe('api/meta', () => {
  it('lists only the entities a user may read, without hidden fields', async () => {
    const r = await api(w.users.partnerUserA!.token, 'GET', '/api/meta')
    expect(r.status).toBe(200)
    const names = r.body.entities.map((e: { name: string }) => e.name)
    // partner users read their own partner's invoices (finance's partner-read-invoices grant), never suppliers
    expect(names).toEqual(expect.arrayContaining(['order', 'customer', 'product', 'user', 'invoice']))
    expect(names).not.toContain('supplier')
    expect(names).not.toContain('payoutBatch')
    const product = r.body.entities.find((e: { name: string }) => e.name === 'product')
    expect(product.fieldOrder).not.toContain('cost')
  })
})
