import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { count, run, upload } from './helpers.js'

/**
 * Import (plugins/import) over HTTP on a real server and database: a dry run lists every row
 * error and writes nothing; commit writes all rows or none; the upsert key makes a retried file
 * update instead of create; relations by unique key; permissions of the uploader; XLSX; opening stock.
 */
let p: TestPlatform
let admin: string
let partnerA = 0

beforeAll(async () => {
  p = await startTestPlatform()
  admin = await p.login()
  const tier = (await p.app
    .service('api/partner-tiers')
    .create({ code: 'T1', name: 'Gold', rank: 1, discountPercent: 5 })) as { id: number }
  partnerA = (
    (await p.app.service('api/partners').create({
      code: 'PA',
      name: 'Partner A',
      kind: 'distributor',
      tierId: tier.id,
      creditLimit: '1000.00',
    })) as { id: number }
  ).id
  await p.app
    .service('api/partners')
    .create({ code: 'PB', name: 'Partner B', kind: 'reseller', tierId: tier.id, creditLimit: '1000.00' })
}, 180_000)
afterAll(async () => p?.close())

const customersCsv = (n: number, bad: Record<number, string> = {}) => {
  const lines = ['Code,Name,Email,Serving partner,Credit limit']
  for (let i = 1; i <= n; i++) lines.push(bad[i] ?? `C-${i},Customer ${i},c${i}@example.com,PA,${i}.50`)
  return lines.join('\n')
}

describe('import of customers', () => {
  it('a dry run lists exactly the bad rows (row, column, message) and writes nothing; the corrected file commits all rows', async () => {
    const bad = {
      3: 'C-3,Customer 3,not-an-email,PA,3.50',
      7: 'C-7,,c7@example.com,PA,7.50',
      12: 'C-12,Customer 12,c12@example.com,NOPE,12.50',
    }
    const up = await upload(p, admin, 'customer', customersCsv(40, bad), { partBytes: 300 })
    expect(up.status).toBe(200)
    expect(up.body.status).toBe('uploaded')
    expect(up.body.mapping).toEqual({
      Code: 'code',
      Name: 'name',
      Email: 'email',
      'Serving partner': 'partnerId',
      'Credit limit': 'creditLimit',
    })
    expect(up.body.total).toBe(40)
    const dry = await run(p, admin, up.body.id, 'dry-run')
    expect(dry.status).toBe('checked')
    expect(dry.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
      [4, 'Email'],
      [8, 'Name'],
      [13, 'Serving partner'],
    ])
    expect(dry.errors[0].message).toMatch(/email/i)
    expect(dry.errors[2].message).toContain('NOPE')
    expect(await count(p, 'customers')).toBe(0)
    // the same file committed: refused as a whole
    const failed = await run(p, admin, up.body.id, 'commit')
    expect(failed.status).toBe('failed')
    expect(failed.errorCount).toBe(3)
    expect(await count(p, 'customers')).toBe(0)
    // the error file
    const file = await fetch(`${p.url}/api/imports/${up.body.id}/errors`, {
      headers: { authorization: `Bearer ${admin}` },
    })
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toContain('text/csv')
    const lines = (await file.text()).replace('\uFEFF', '').trim().split('\r\n')
    expect(lines[0]).toBe('row,column,message')
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual([
      '4,Email',
      '8,Name',
      '13,Serving partner',
    ])

    const fixed = await upload(p, admin, 'customer', customersCsv(40))
    const ok = await run(p, admin, fixed.body.id, 'dry-run')
    expect(ok.errorCount).toBe(0)
    expect(ok.created).toBe(40)
    expect(await count(p, 'customers')).toBe(0)
    const done = await run(p, admin, fixed.body.id, 'commit')
    expect(done.status).toBe('done')
    expect([done.created, done.updated, done.errorCount]).toEqual([40, 0, 0])
    expect(await count(p, 'customers')).toBe(40)
    const c12 = (await p.db.knex('customers').where({ code: 'C-12' }).first()) as {
      partnerId: number
      creditLimit: string
    }
    expect(c12.partnerId).toBe(partnerA)
    expect(String(c12.creditLimit)).toBe('12.50')
    // committed once: running it again is refused, nothing written twice
    expect((await p.http('PATCH', `/api/imports/${fixed.body.id}`, { run: 'commit' }, admin)).status).toBe(
      409,
    )
  })

  it('a retried file creates nothing twice: rows whose upsert key (code) exists update the record', async () => {
    const before = await count(p, 'customers')
    const csv = ['code,name', 'C-1,Renamed one', 'C-2,Renamed two', 'NEW-1,Brand new'].join('\n')
    const up = await upload(p, admin, 'customer', csv)
    const done = await run(p, admin, up.body.id, 'commit')
    expect([done.status, done.created, done.updated]).toEqual(['done', 1, 2])
    const again = await upload(p, admin, 'customer', csv)
    const second = await run(p, admin, again.body.id, 'commit')
    expect([second.created, second.updated]).toEqual([0, 3])
    expect(await count(p, 'customers')).toBe(before + 1)
    expect(((await p.db.knex('customers').where({ code: 'C-1' }).first()) as { name: string }).name).toBe(
      'Renamed one',
    )
  })

  it('a key repeated within the file is an error of the later row', async () => {
    const up = await upload(p, admin, 'customer', ['code,name', 'D-1,One', 'D-1,Again'].join('\n'))
    const dry = await run(p, admin, up.body.id, 'dry-run')
    expect(dry.errors).toEqual([{ row: 3, column: 'code', message: 'the same key as row 2' }])
  })

  it('a row refused only when written (codes equal once normalised) is listed by the dry run and fails the whole commit', async () => {
    const up = await upload(p, admin, 'customer', ['code,name', 'n-2,Two', 'n-1,One', 'N-1,Again'].join('\n'))
    const dry = await run(p, admin, up.body.id, 'dry-run')
    expect(dry.errors.map((e: { row: number }) => e.row)).toEqual([4])
    const failed = await run(p, admin, up.body.id, 'commit')
    expect([failed.status, failed.created, failed.errorCount]).toEqual(['failed', 0, 1])
    expect(await p.db.knex('customers').whereIn('code', ['N-1', 'N-2']).first()).toBeUndefined()
  })

  it("errors in the caller's language (zh-CN), and Chinese headers map by label", async () => {
    const up = await upload(p, admin, 'customer', ['编码,名称,邮箱', 'Z-1,客户,bad'].join('\n'), {
      lang: 'zh-CN',
    })
    expect(up.body.mapping).toEqual({ 编码: 'code', 名称: 'name', 邮箱: 'email' })
    const dry = await run(p, admin, up.body.id, 'dry-run')
    expect(dry.errors).toHaveLength(1)
    expect(dry.errors[0].column).toBe('邮箱')
    expect(dry.errors[0].message).toMatch(/[\u4e00-\u9fff]/)
    expect(dry.errors[0].message).not.toMatch(/[A-Za-z]{4,}/)
  })
})

describe('relations, permissions, XLSX and opening stock', () => {
  it('contacts name their customer by code; a code that does not exist is a row error', async () => {
    const up = await upload(
      p,
      admin,
      'contact',
      ['customerId,name,email', 'C-1,Ann,ann@example.com', 'C-2,Bob,', 'C-999,Eve,'].join('\n'),
    )
    const dry = await run(p, admin, up.body.id, 'dry-run')
    expect(dry.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
      [4, 'customerId'],
    ])
    const fixed = await upload(
      p,
      admin,
      'contact',
      ['customerId,name,email', 'C-1,Ann,ann@example.com', 'C-2,Bob,'].join('\n'),
      { upsertKey: ['customerId', 'name'] },
    )
    expect((await run(p, admin, fixed.body.id, 'commit')).created).toBe(2)
    const ann = (await p.db.knex('contacts').where({ name: 'Ann' }).first()) as { customerId: number }
    expect(ann.customerId).toBe(
      ((await p.db.knex('customers').where({ code: 'C-1' }).first()) as { id: number }).id,
    )
  })

  it("a partner admin imports into their own partner only: another partner's code is not found, and fields they may not write are refused", async () => {
    await p.app.service('api/users').create({
      email: 'pa@test.local',
      name: 'PA admin',
      password: 'Partner-Secret-1',
      roles: ['partner_admin'],
      partnerId: partnerA,
      active: true,
    })
    const token = await p.login('pa@test.local', 'Partner-Secret-1')
    const up = await upload(
      p,
      token,
      'customer',
      ['code,name,partnerId', 'PA-1,Mine,', 'PA-2,Theirs,PB'].join('\n'),
    )
    const dry = await run(p, token, up.body.id, 'dry-run')
    expect(dry.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
      [3, 'partnerId'],
    ])
    const ok = await upload(p, token, 'customer', ['code,name', 'PA-1,Mine'].join('\n'))
    expect((await run(p, token, ok.body.id, 'commit')).status).toBe('done')
    expect(
      ((await p.db.knex('customers').where({ code: 'PA-1' }).first()) as { partnerId: number }).partnerId,
    ).toBe(partnerA)
    const credit = await upload(
      p,
      token,
      'customer',
      ['code,name,creditLimit', 'PA-3,Rich,99999.00'].join('\n'),
    )
    const refused = await run(p, token, credit.body.id, 'dry-run')
    expect(refused.errorCount).toBe(1)
    expect(refused.errors[0].row).toBe(2)
    expect(await p.db.knex('customers').where({ code: 'PA-3' }).first()).toBeUndefined()
    // another user's import is not theirs to see
    expect((await p.http('GET', `/api/imports/${credit.body.id}`, undefined, admin)).status).toBe(200)
    const mine = await upload(p, admin, 'customer', 'code,name\nX-1,X')
    expect((await p.http('GET', `/api/imports/${mine.body.id}`, undefined, token)).status).toBe(404)
    expect(
      (
        await fetch(`${p.url}/api/imports/${mine.body.id}/errors`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).status,
    ).toBe(404)
  })

  it('products from XLSX, then opening stock by SKU and warehouse code (a retried file receives nothing twice)', async () => {
    await p.app.service('api/product-categories').create({ code: 'TOOLS', name: 'Tools' })
    await p.app.service('api/warehouses').create({ code: 'W1', name: 'Main' })
    const book = new ExcelJS.Workbook()
    const sheet = book.addWorksheet('Products')
    sheet.addRow(['SKU', 'Name', 'categoryId', 'List price'])
    sheet.addRow(['SKU-1', 'Drill', 'TOOLS', '99.00'])
    sheet.addRow(['SKU-2', 'Saw', 'TOOLS', 45.5])
    const xlsx = Buffer.from(await book.xlsx.writeBuffer())
    const up = await upload(p, admin, 'product', xlsx, { format: 'xlsx' })
    expect(up.status).toBe(201)
    const done = await run(p, admin, up.body.id, 'commit')
    expect([done.status, done.created, done.errorCount]).toEqual(['done', 2, 0])
    expect(
      String(
        ((await p.db.knex('products').where({ sku: 'SKU-2' }).first()) as { listPrice: string }).listPrice,
      ),
    ).toBe('45.50')

    const stock = [
      'productId,warehouseId,quantity,reference',
      'SKU-1,W1,10,OPEN-2026',
      'SKU-2,W1,5,OPEN-2026',
    ].join('\n')
    const s1 = await upload(p, admin, 'openingStock', stock)
    expect((await run(p, admin, s1.body.id, 'commit')).created).toBe(2)
    const s2 = await upload(p, admin, 'openingStock', stock)
    const again = await run(p, admin, s2.body.id, 'commit')
    expect([again.status, again.created]).toEqual(['done', 0])
    const level = (await p.db
      .knex('stock_levels')
      .join('products', 'products.id', 'stock_levels.productId')
      .where('products.sku', 'SKU-1')
      .first('onHand')) as { onHand: number }
    expect(Number(level.onHand)).toBe(10)
  })

  it('refuses bad requests with a 4xx naming the field', async () => {
    expect(
      (await p.http('POST', '/api/imports', { entity: 'nope', format: 'csv', file: 'YQ==' }, admin)).body
        .errors[0].path,
    ).toBe('/entity')
    expect(
      (await p.http('POST', '/api/imports', { entity: 'customer', format: 'pdf', file: 'YQ==' }, admin)).body
        .errors[0].path,
    ).toBe('/format')
    expect(
      (await p.http('POST', '/api/imports', { entity: 'customer', format: 'csv', file: '***' }, admin)).body
        .errors[0].path,
    ).toBe('/file')
    const up = await upload(p, admin, 'customer', 'code,name\nQ-1,Q')
    const r = await p.http('PATCH', `/api/imports/${up.body.id}`, { mapping: { code: 'nope' } }, admin)
    expect([r.status, r.body.errors[0].path]).toEqual([400, '/mapping/code'])
    expect(
      (await p.http('POST', '/api/imports', { entity: 'customer', format: 'csv', file: 'YQ==' })).status,
    ).toBe(401)
  })
})
