import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'

/** Issue #13.4: a code typed in lower case is stored upper case; filtering by the typed value finds it. */
let p: TestPlatform
let token: string

beforeAll(async () => {
  p = await startTestPlatform()
  token = await p.login()
  for (const [code, email] of [
    ['acme', 'Buyer@Acme.COM'],
    ['acme-2', null],
    ['beta', null],
  ] as const) {
    const r = await p.http('POST', '/api/customers', { code, name: `Customer ${code}`, email }, token)
    expect(r.status, JSON.stringify(r.body)).toBe(201)
  }
  const tier = await p.http('POST', '/api/partner-tiers', { code: 'gold', name: 'Gold', rank: 1 }, token)
  expect(tier.status, JSON.stringify(tier.body)).toBe(201)
  const partner = await p.http(
    'POST',
    '/api/partners',
    { code: 'north-1', name: 'North', kind: 'distributor', tierId: tier.body.id },
    token,
  )
  expect(partner.status, JSON.stringify(partner.body)).toBe(201)
})
afterAll(async () => p?.close())

const codes = async (path: string) => {
  const r = await p.http('GET', path, undefined, token)
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return (r.body.data as Array<{ code: string }>).map((c) => c.code).sort()
}

describe('filters on normalised codes read the typed value as stored', () => {
  it('stores the typed codes upper case', async () => {
    expect(await codes('/api/customers')).toEqual(['ACME', 'ACME-2', 'BETA'])
  })

  it('finds a customer by the code as typed (equality, $in, $nin, $ne)', async () => {
    expect(await codes('/api/customers?code=acme')).toEqual(['ACME'])
    expect(await codes('/api/customers?code=%20acme%20')).toEqual(['ACME'])
    expect(await codes('/api/customers?code[$in][]=acme&code[$in][]=beta')).toEqual(['ACME', 'BETA'])
    expect(await codes('/api/customers?code[$in]=acme,beta')).toEqual(['ACME', 'BETA'])
    expect(await codes('/api/customers?code[$nin][]=acme')).toEqual(['ACME-2', 'BETA'])
    expect(await codes('/api/customers?code[$ne]=beta')).toEqual(['ACME', 'ACME-2'])
  })

  it('matches patterns and $or branches in the stored case', async () => {
    expect(await codes('/api/customers?code[$like]=acme%25')).toEqual(['ACME', 'ACME-2'])
    expect(await codes('/api/customers?code[$notlike]=acme%25')).toEqual(['BETA'])
    expect(await codes('/api/customers?$or[0][code]=beta&$or[1][code]=acme-2')).toEqual(['ACME-2', 'BETA'])
  })

  it('does the same for partner codes', async () => {
    expect(await codes('/api/partners?code=north-1')).toEqual(['NORTH-1'])
    expect(await codes('/api/partners?code[$in][]=north-1')).toEqual(['NORTH-1'])
  })

  it('leaves other fields as typed', async () => {
    expect(await codes('/api/customers?name=customer%20acme')).toEqual([])
    expect(await codes('/api/customers?name=Customer%20acme')).toEqual(['ACME'])
  })
})
