import { describe, expect, it } from 'vitest'
import { rowSentence, type SentenceWords } from '../sentence'

const en: SentenceWords = {
  field: (f) => ({ warehouseId: 'Warehouse', partnerId: 'Partner', status: 'Status' })[f] ?? f,
  op: (op) => ({ $eq: 'is', $ne: 'is not', $in: 'is one of' })[op as string] ?? op,
  fact: (f) =>
    ({ 'user.attributes.warehouseId': "the user's warehouse", 'user.partnerId': "the user's partner" })[f] ??
    f,
  value: (_f, v) => ({ open: 'Open', closed: 'Closed' })[v] ?? v,
  and: 'and',
  or: 'or',
}
const zh: SentenceWords = {
  ...en,
  field: (f) => ({ warehouseId: '仓库', status: '状态' })[f] ?? f,
  op: (op) => ({ $eq: '为', $ne: '不是' })[op as string] ?? op,
  fact: (f) => ({ 'user.attributes.warehouseId': '当前用户的仓库' })[f] ?? f,
  and: '且',
  or: '或',
}

describe('a row condition in words', () => {
  it('names the user fact a row compares with, in English and Chinese', () => {
    const row = { warehouseId: { $fact: 'user.attributes.warehouseId' } }
    expect(rowSentence(row, en)).toBe("Warehouse is the user's warehouse")
    expect(rowSentence(row, zh)).toBe('仓库 为 当前用户的仓库')
  })

  it('joins leaves with and / or, lists values, labels enum values, and says filled-in values', () => {
    expect(rowSentence({ partnerId: { $fact: 'user.partnerId' }, status: { $ne: 'closed' } }, en)).toBe(
      "Partner is the user's partner and Status is not Closed",
    )
    expect(rowSentence({ $or: [{ status: { $in: ['open', 'closed'] } }, { warehouseId: 3 }] }, en)).toBe(
      'Status is one of Open, Closed or Warehouse is 3',
    )
    expect(
      rowSentence(
        { $or: [{ warehouseId: 3, status: 'open' }, { partnerId: { $fact: 'user.partnerId' } }] },
        zh,
      ),
    ).toBe('(仓库 为 3 且 状态 为 Open) 或 (partnerId 为 user.partnerId)')
  })

  it('gives up (undefined) on a query it cannot say, so the screen shows the query', () => {
    expect(rowSentence({ status: { $like: 'a%', $ne: 'b' } }, en)).toBeUndefined()
    expect(rowSentence({}, en)).toBeUndefined()
    expect(rowSentence(null, en)).toBeUndefined()
  })
})
