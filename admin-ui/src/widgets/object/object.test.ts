import { describe, expect, it } from 'vitest'
import { setPart } from './object'

describe('object widget', () => {
  it('sets one part and leaves out empty ones', () => {
    expect(setPart({ city: 'Hangzhou' }, 'street', '1 Main St', true)).toEqual({
      city: 'Hangzhou',
      street: '1 Main St',
    })
    expect(setPart({ city: 'Hangzhou', street: 'x' }, 'street', '', true)).toEqual({ city: 'Hangzhou' })
  })

  it('empties to null when nullable, else to {}', () => {
    expect(setPart({ city: 'Hangzhou' }, 'city', '', true)).toBeNull()
    expect(setPart(null, 'city', '', false)).toEqual({})
    expect(setPart('not an object', 'zip', '310000', false)).toEqual({ zip: '310000' })
  })
})
