import { describe, expect, it } from 'vitest'
import { encodeQuery, PlumeError, toPlumeError } from '../../sdk/src/index.js'
import { toTs } from '../../sdk/src/generate/json-schema-to-ts.js'

describe('encodeQuery', () => {
  it('writes Feathers query syntax with brackets', () => {
    expect(
      decodeURIComponent(
        encodeQuery({
          id: { $in: [1, 2] },
          $sort: { name: 1 },
          $select: ['code'],
          $limit: 10,
          skip: undefined,
        }),
      ),
    ).toBe('id[$in][]=1&id[$in][]=2&$sort[name]=1&$select[]=code&$limit=10')
    expect(encodeQuery({ name: 'a&b=c' })).toBe('name=a%26b%3Dc')
  })
})

describe('PlumeError', () => {
  it('keeps the Feathers fields and indexes field errors by path', () => {
    const e = toPlumeError(
      {
        name: 'BadRequest',
        message: 'Invalid data',
        code: 400,
        className: 'bad-request',
        errors: [{ path: '/code', message: 'is required' }],
        data: { x: 1 },
      },
      400,
    )
    expect(e).toBeInstanceOf(PlumeError)
    expect(e).toMatchObject({ name: 'BadRequest', code: 400, className: 'bad-request', data: { x: 1 } })
    expect(e.fieldErrors()).toEqual({ '/code': 'is required' })
    expect(e.fieldError('code')).toBe('is required')
    expect(toPlumeError('<html>bad gateway</html>', 502)).toMatchObject({ code: 502, errors: [] })
  })
})

describe('JSON Schema to TypeScript', () => {
  it('covers the shapes the OpenAPI document uses', () => {
    expect(toTs({ type: ['string', 'null'] })).toBe('string | null')
    expect(toTs({ enum: ['a', 'b', null] })).toBe('"a" | "b" | null')
    expect(toTs({ type: 'array', items: { $ref: '#/components/schemas/Order' } })).toBe('Array<Order>')
    expect(toTs({ $ref: '#/$defs/local' })).toBe('unknown')
    expect(
      toTs({
        type: 'object',
        properties: { 'zh-CN': { type: 'string' }, n: { type: 'integer', readOnly: true } },
        required: ['n'],
        additionalProperties: false,
      }),
    ).toBe('{\n  "zh-CN"?: string\n  readonly n: number\n}')
    expect(toTs({ type: 'object' })).toBe('{\n  [key: string]: unknown\n}')
  })
})
