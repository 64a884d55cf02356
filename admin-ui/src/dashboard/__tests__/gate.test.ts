import { describe, expect, it } from 'vitest'
import { createGate } from '../gate'

describe('dashboard gate', () => {
  it('opens once every KPI card is done, not before', async () => {
    const g = createGate(2)
    let opened = false
    void g.wait().then(() => (opened = true))
    g.done()
    await Promise.resolve()
    expect(opened).toBe(false)
    g.done()
    await g.wait()
    expect(opened).toBe(true)
  })

  it('is open at once without KPI cards', async () => {
    await expect(createGate(0).wait()).resolves.toBeUndefined()
  })
})
