import { insertRows, seededRandom, type Random } from '@plume/core'
import type { Knex } from 'knex'

const SURNAMES = [
  'Wang',
  'Li',
  'Zhang',
  'Liu',
  'Chen',
  'Yang',
  'Zhao',
  'Huang',
  'Zhou',
  'Wu',
  'Xu',
  'Sun',
  'Ma',
  'Zhu',
  'Hu',
]
const SUFFIXES = [
  'Supermarket',
  'Mart',
  'Convenience Store',
  'Foods',
  'Trading Co.',
  'Retail',
  'Hotel',
  'Canteen',
]
const CITIES: Array<{ city: string; region: string; postalCode: string }> = [
  { city: 'Shanghai', region: 'Shanghai', postalCode: '200000' },
  { city: 'Beijing', region: 'Beijing', postalCode: '100000' },
  { city: 'Guangzhou', region: 'Guangdong', postalCode: '510000' },
  { city: 'Shenzhen', region: 'Guangdong', postalCode: '518000' },
  { city: 'Hangzhou', region: 'Zhejiang', postalCode: '310000' },
  { city: 'Chengdu', region: 'Sichuan', postalCode: '610000' },
  { city: 'Nanjing', region: 'Jiangsu', postalCode: '210000' },
  { city: 'Wuhan', region: 'Hubei', postalCode: '430000' },
]

const DAY = 86_400_000

/**
 * When each customer joined, oldest first: most are established (13 months to 5 years ago, before
 * the order history starts), about 12 % joined during the last year, a handful in the last month
 * — so "new customers" on the dashboard counts customers, not the seeding.
 */
export function customerSince(r: Random, count: number, now: number): Date[] {
  const ages = Array.from(
    { length: count },
    () => (r.chance(0.12) ? r.int(1, 364) : r.int(400, 1800)) * DAY + r.int(0, DAY - 1),
  )
  return ages.sort((a, b) => b - a).map((age) => new Date(now - age))
}

/**
 * Demo customers: 4 segments and ~1,000 customers, two thirds served by a partner, the rest
 * direct (some with their own price list) and owned by a sales rep; joined over five years; a
 * primary contact for every tenth.
 */
export async function seedCustomers(
  trx: Knex.Transaction,
  count = 1000,
  reps: readonly number[] = [],
  now = Date.now(),
): Promise<number> {
  const r = seededRandom(20260303)
  const since = customerSince(r, count, now)
  const segments = await insertRows<{ id: number }>(trx, 'segments', [
    { code: 'KA', name: 'Key accounts' },
    { code: 'SMB', name: 'Small business' },
    { code: 'HORECA', name: 'Hotels, restaurants, cafés' },
    { code: 'RETAIL', name: 'Retail chains' },
  ])
  const partners = (await trx('partners').select('id').where('status', 'active').orderBy('id')) as Array<{
    id: number
  }>
  const lists = (await trx('price_lists').select('id').whereNull('partnerId').orderBy('id')) as Array<{
    id: number
  }>
  const rows = since.map((joined, i) => {
    const where = r.pick(CITIES)
    const address = {
      line1: `${r.int(1, 999)} ${r.pick(['Renmin', 'Zhongshan', 'Jiefang', 'Heping'])} Rd`,
      city: where.city,
      region: where.region,
      postalCode: where.postalCode,
      country: 'CN',
    }
    const viaPartner = partners.length > 0 && r.chance(0.66)
    return {
      code: `C-${String(i + 1).padStart(5, '0')}`,
      name: `${r.pick(SURNAMES)} ${r.pick(SUFFIXES)} ${i + 1}`,
      type: r.chance(0.9) ? 'company' : 'individual',
      email: `buyer${i + 1}@customer.example.com`,
      billingAddress: JSON.stringify(address),
      shippingAddress: JSON.stringify(address),
      partnerId: viaPartner ? r.pick(partners).id : null,
      segmentId: r.pick(segments).id,
      priceListId: !viaPartner && lists.length && r.chance(0.3) ? r.pick(lists).id : null,
      creditLimit: `${r.int(1, 50) * 1000}.00`,
      paymentTermsDays: r.pick([0, 15, 30, 30, 60]),
      status: r.chance(0.97) ? 'active' : 'blocked',
      currency: 'CNY',
      ownerId: !viaPartner && reps.length ? reps[i % reps.length] : null,
      createdAt: joined.toISOString(),
      updatedAt: joined.toISOString(),
    }
  })
  const customers = await insertRows<{ id: number }>(trx, 'customers', rows)
  const contacts = customers
    .filter((_, i) => i % 10 === 0)
    .map((c, i) => ({
      customerId: c.id,
      createdAt: rows[i * 10]!.createdAt,
      updatedAt: rows[i * 10]!.createdAt,
      name: `${r.pick(SURNAMES)} ${r.pick(['Wei', 'Fang', 'Min', 'Jun', 'Lei'])}`,
      title: 'Purchasing',
      email: `contact${i + 1}@customer.example.com`,
      isPrimary: true,
    }))
  await insertRows(trx, 'contacts', contacts)
  return customers.length
}
