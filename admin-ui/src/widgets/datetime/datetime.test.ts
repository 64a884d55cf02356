import { describe, expect, it } from 'vitest'
import { instantShown, instantStored } from './datetime'

describe('datetime widget', () => {
  it('stores a local time as the UTC instant', () => {
    expect(instantStored(new Date('2024-03-01T08:30:00+08:00'))).toBe('2024-03-01T00:30:00.000Z')
    expect(instantStored(null)).toBeNull()
    expect(instantStored('not a date')).toBeNull()
  })

  it('shows the stored instant as a Date, round-tripping exactly', () => {
    const iso = '2024-06-30T16:00:00.000Z'
    const d = instantShown(iso)
    expect(d?.getTime()).toBe(Date.parse(iso))
    expect(instantStored(d)).toBe(iso)
    expect(instantShown('')).toBeUndefined()
    expect(instantShown('garbage')).toBeUndefined()
  })
})
