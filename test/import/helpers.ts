import type { TestPlatform } from '@plume/core/testing'

type Body = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const FINAL = new Set(['checked', 'failed', 'done', 'error'])

/** Uploads `content` (CSV text or XLSX bytes) as one import, in parts of `partBytes` when given. */
export async function upload(
  p: TestPlatform,
  token: string,
  entity: string,
  content: string | Buffer,
  opts: { format?: 'csv' | 'xlsx'; partBytes?: number; lang?: string; upsertKey?: string[] } = {},
): Promise<{ status: number; body: Body }> {
  const buf = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8')
  const size = opts.partBytes ?? buf.length
  const headers: Record<string, string> = opts.lang ? { 'accept-language': opts.lang } : {}
  const parts: Buffer[] = []
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size))
  const first = await p.http(
    'POST',
    '/api/imports',
    {
      entity,
      format: opts.format ?? 'csv',
      filename: `${entity}.${opts.format ?? 'csv'}`,
      file: parts[0]!.toString('base64'),
      more: parts.length > 1,
      ...(opts.upsertKey ? { upsertKey: opts.upsertKey } : {}),
    },
    token,
    headers,
  )
  if (first.status !== 201 || parts.length === 1) return first
  let last = first
  for (let i = 1; i < parts.length; i++) {
    last = await p.http(
      'PATCH',
      `/api/imports/${first.body.id}`,
      { append: parts[i]!.toString('base64'), more: i < parts.length - 1 },
      token,
      headers,
    )
    if (last.status !== 200) return last
  }
  return last
}

/** Runs an import (`dry-run` or `commit`), lets the job queue work, and answers the import as it ended. */
export async function run(
  p: TestPlatform,
  token: string,
  id: number,
  mode: 'dry-run' | 'commit',
  extra: Body = {},
): Promise<Body> {
  const started = await p.http('PATCH', `/api/imports/${id}`, { run: mode, ...extra }, token)
  if (started.status !== 200) throw new Error(`run: ${started.status} ${JSON.stringify(started.body)}`)
  for (;;) {
    await p.app.get('jobs')!.drain()
    const r = await p.http('GET', `/api/imports/${id}`, undefined, token)
    if (FINAL.has(r.body.status)) return r.body
  }
}

export const count = async (p: TestPlatform, table: string): Promise<number> =>
  Number(((await p.db.knex(table).count({ n: '*' })) as Array<{ n: unknown }>)[0]!.n)
