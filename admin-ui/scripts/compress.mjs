#!/usr/bin/env node
/**
 * After `vite build`: writes `<file>.br` and `<file>.gz` next to every text file of dist (JS, CSS,
 * HTML, JSON, SVG) that compression makes smaller; the server sends them by Accept-Encoding.
 * Usage: node admin-ui/scripts/compress.mjs [distDir]
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const dist = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const TEXT = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt'])
let files = 0
let raw = 0
let br = 0
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  const file = join(entry.parentPath ?? entry.path, entry.name)
  if (!entry.isFile() || !TEXT.has(extname(file))) continue
  const bytes = readFileSync(file)
  const brotli = brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  })
  const gz = gzipSync(bytes, { level: 9 })
  if (brotli.length < bytes.length) writeFileSync(file + '.br', brotli)
  if (gz.length < bytes.length) writeFileSync(file + '.gz', gz)
  files++
  raw += bytes.length
  br += Math.min(brotli.length, bytes.length)
}
console.log(`compressed ${files} files: ${(raw / 1024).toFixed(0)} KB → ${(br / 1024).toFixed(0)} KB brotli`)
