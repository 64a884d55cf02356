/** Sending a file to `api/imports` in parts small enough for the server's 1 MB JSON bodies. */

/** Raw bytes per part: 512 KB, about 700 KB once in base64. */
export const PART_BYTES = 512 * 1024

/** Base64 of some bytes (in slices, so a large part does not overflow the call stack). */
export function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

/** The parts of a file, each in base64. */
export function parts(bytes: Uint8Array, size = PART_BYTES): string[] {
  const out: string[] = []
  for (let i = 0; i < bytes.length; i += size) out.push(toBase64(bytes.subarray(i, i + size)))
  return out.length ? out : ['']
}

/** csv or xlsx from a file name, or undefined for anything else. */
export function formatOf(name: string): 'csv' | 'xlsx' | undefined {
  const ext = name.toLowerCase().split('.').pop()
  return ext === 'csv' || ext === 'xlsx' ? ext : undefined
}
