/** Compressed copies of the admin UI's files: the build's `.br`/`.gz` files, else made once and kept in memory. */
import { createReadStream, type ReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'

export type Encoding = 'br' | 'gzip'

const SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' }

/**
 * The encoding to send for an `Accept-Encoding` header: br, else gzip, else none (identity).
 * A coding with `q=0` is refused; `*` accepts both.
 * @example chooseEncoding('gzip, deflate, br') // 'br'
 */
export function chooseEncoding(header: string | undefined): Encoding | undefined {
  const accepted = new Map<string, number>()
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    if (!name) continue
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined)
    accepted.set(name, q === undefined ? 1 : Number(q))
  }
  const ok = (e: string) => (accepted.get(e) ?? accepted.get('*') ?? 0) > 0
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : undefined
}

export interface EncodedFile {
  encoding: Encoding
  size: number
  /** When the original was last changed (the ETag follows it). */
  mtimeMs: number
  body(): Readable | ReadStream
}

interface Cached {
  mtimeMs: number
  bytes: Buffer
}

/** Compressed in memory at most this much (the whole admin UI is a few MB). */
const MEMORY_LIMIT = 64 * 1024 * 1024
const memory = new Map<string, Cached>()
let memoryBytes = 0

const compressors: Record<Encoding, (b: Buffer) => Promise<Buffer>> = {
  br: (b) =>
    promisify(brotliCompress)(b, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: b.length },
    }),
  gzip: (b) => promisify(gzip)(b, { level: 9 }),
}

/**
 * `file` in `encoding`: its precompressed sibling when the build wrote one (not older than the
 * file), else compressed now and remembered until the file changes. Undefined when compressing
 * does not make it smaller.
 * @example const sent = await encodedFile('/srv/dist/assets/index-3f2a.js', 'br')
 */
export async function encodedFile(file: string, encoding: Encoding): Promise<EncodedFile | undefined> {
  const original = await stat(file)
  const sibling = file + SUFFIX[encoding]
  const pre = await stat(sibling).catch(() => undefined)
  if (pre?.isFile() && pre.mtimeMs >= original.mtimeMs && pre.size < original.size) {
    return { encoding, size: pre.size, mtimeMs: original.mtimeMs, body: () => createReadStream(sibling) }
  }
  const key = `${encoding}:${file}`
  let hit = memory.get(key)
  if (!hit || hit.mtimeMs !== original.mtimeMs) {
    const bytes = await compressors[encoding](await readFile(file))
    if (hit) memoryBytes -= hit.bytes.length
    hit = { mtimeMs: original.mtimeMs, bytes }
    if (memoryBytes + bytes.length <= MEMORY_LIMIT) {
      memory.set(key, hit)
      memoryBytes += bytes.length
    } else memory.delete(key)
  }
  if (hit.bytes.length >= original.size) return undefined
  const bytes = hit.bytes
  return { encoding, size: bytes.length, mtimeMs: original.mtimeMs, body: () => Readable.from([bytes]) }
}
