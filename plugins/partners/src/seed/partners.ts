import { insertRows, seededRandom } from '@plume/core'
import { Decimal } from 'decimal.js'
import type { Knex } from 'knex'

const TIERS = [
  { code: 'PLATINUM', name: 'Platinum', rank: 1, discountPercent: 20 },
  { code: 'GOLD', name: 'Gold', rank: 2, discountPercent: 15 },
  { code: 'SILVER', name: 'Silver', rank: 3, discountPercent: 10 },
  { code: 'BRONZE', name: 'Bronze', rank: 4, discountPercent: 5 },
]

const REGIONS: Array<{ code: string; name: string; provinces: string[] }> = [
  { code: 'EAST', name: 'East China', provinces: ['Shanghai', 'Jiangsu', 'Zhejiang', 'Anhui'] },
  { code: 'NORTH', name: 'North China', provinces: ['Beijing', 'Tianjin', 'Hebei', 'Shandong'] },
  { code: 'SOUTH', name: 'South China', provinces: ['Guangdong', 'Fujian', 'Guangxi', 'Hainan'] },
  { code: 'WEST', name: 'West China', provinces: ['Sichuan', 'Chongqing', 'Yunnan', 'Shaanxi'] },
]

const NAMES = [
  'Huaxin',
  'Lianfa',
  'Dazhong',
  'Jinqiao',
  'Tianyu',
  'Hengtai',
  'Ruifeng',
  'Xinghe',
  'Baoli',
  'Minsheng',
]
const KINDS = ['Trading', 'Distribution', 'Supply', 'Commerce']

export interface PartnerSeed {
  partners: Array<{ id: number; priceListId: number }>
}

/**
 * Demo partners: 4 tiers, 4 regions with 16 provinces, 30 partners (6 distributors with resellers
 * under them), each with its own price list (tier discount off list price, volume breaks).
 */
export async function seedPartners(trx: Knex.Transaction, count = 30): Promise<PartnerSeed> {
  const r = seededRandom(20260202)
  const tiers = await insertRows<{ id: number; discountPercent: string | number }>(
    trx,
    'partner_tiers',
    TIERS,
    ['id', 'discountPercent'],
  )
  const provinceIds: number[] = []
  for (const region of REGIONS) {
    const [parent] = await insertRows<{ id: number }>(trx, 'territories', [
      { code: region.code, name: region.name, region: region.name },
    ])
    const rows = await insertRows<{ id: number }>(
      trx,
      'territories',
      region.provinces.map((p, i) => ({
        code: `${region.code}-${i + 1}`,
        name: p,
        region: region.name,
        parentId: parent!.id,
      })),
    )
    provinceIds.push(...rows.map((x) => x.id))
  }
  const products = (await trx('products').select('id', 'listPrice').orderBy('id')) as Array<{
    id: number
    listPrice: string
  }>
  const partners: Array<{ id: number; priceListId: number }> = []
  const distributors: number[] = []
  for (let i = 0; i < count; i++) {
    const distributor = i < Math.ceil(count / 5)
    const tierIndex = distributor ? r.int(0, 1) : r.int(1, 3)
    const tier = tiers[tierIndex]!
    const code = `P-${String(i + 1).padStart(3, '0')}`
    const [list] = await insertRows<{ id: number }>(trx, 'price_lists', [
      { code: `PL-${code}`, name: `Price list ${code}`, currency: 'CNY', active: true },
    ])
    const [partner] = await insertRows<{ id: number }>(trx, 'partners', [
      {
        code,
        name: `${r.pick(NAMES)} ${r.pick(KINDS)} ${i + 1}`,
        kind: distributor ? 'distributor' : 'reseller',
        tierId: tier.id,
        territoryId: r.pick(provinceIds),
        parentPartnerId: distributor || !distributors.length ? null : r.pick(distributors),
        email: `orders@partner${i + 1}.example.com`,
        creditLimit: `${r.int(5, 50) * 10000}.00`,
        priceListId: list!.id,
        status: i === count - 1 ? 'suspended' : 'active',
        contractStart: '2025-01-01',
      },
    ])
    await trx('price_lists').update({ partnerId: partner!.id }).where('id', list!.id)
    if (distributor) distributors.push(partner!.id)
    partners.push({ id: partner!.id, priceListId: list!.id })
    const factor = new Decimal(100).minus(String(tier.discountPercent)).div(100)
    const items: Array<Record<string, unknown>> = []
    for (const p of products) {
      const unit = new Decimal(p.listPrice).times(factor)
      items.push({
        priceListId: list!.id,
        productId: p.id,
        unitPrice: unit.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
        minQuantity: 1,
      })
      // volume break on some products: 3% more off from 50 units
      if (p.id % 7 === 0)
        items.push({
          priceListId: list!.id,
          productId: p.id,
          unitPrice: unit.times('0.97').toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
          minQuantity: 50,
        })
    }
    await insertRows(trx, 'price_list_items', items)
  }
  return { partners }
}
