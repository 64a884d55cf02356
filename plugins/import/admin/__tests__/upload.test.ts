import { describe, expect, it } from 'vitest'
import { formatOf, parts, toBase64 } from '../upload'

const bytesOf = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))

describe('import upload parts', () => {
  it('splits a file into base64 parts that join back to the bytes', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) % 256)
    const p = parts(bytes, 32_768)
    expect(p).toHaveLength(3)
    const back = p.flatMap((s) => [...bytesOf(s)])
    expect(back).toEqual([...bytes])
    expect(bytesOf(toBase64(new TextEncoder().encode('编码')))).toEqual(new TextEncoder().encode('编码'))
  })
  it('knows csv and xlsx by name only', () => {
    expect([formatOf('a.CSV'), formatOf('b.xlsx'), formatOf('c.xls'), formatOf('d')]).toEqual([
      'csv',
      'xlsx',
      undefined,
      undefined,
    ])
  })
})
