import { describe, expect, it } from 'vitest'
import { PricingPipeline } from '../pricing/pipeline.js'

describe('pricing pipeline registry', () => {
  it('keeps steps sorted by order, built-ins included', () => {
    const p = new PricingPipeline()
    p.add({ name: 'promo', order: 500, apply: () => undefined })
    p.add({ name: 'contract', order: 50, apply: () => undefined })
    expect(p.names()).toEqual(['50:contract', '100:base-price', '500:promo', '900:tax'])
  })

  it('refuses duplicate names and removes a step again', () => {
    const p = new PricingPipeline()
    const remove = p.add({ name: 'promo', order: 500, apply: () => undefined })
    expect(() => p.add({ name: 'promo', order: 600, apply: () => undefined })).toThrow(/already registered/)
    remove()
    expect(p.names()).toEqual(['100:base-price', '900:tax'])
    expect(() => p.add({ name: '', order: 1, apply: () => undefined })).toThrow(/needs a name/)
  })
})
