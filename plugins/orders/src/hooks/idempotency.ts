import { createHash } from 'node:crypto'
import { BadRequest, Conflict, Unprocessable } from '@feathersjs/errors'
import type { Knex } from 'knex'

export const IDEMPOTENCY_TABLE = 'plume_idempotency'
/** How long a key is remembered: `PLUME_IDEMPOTENCY_TTL_HOURS`, default 24 (a retry after that runs again). */
export const idempotencyTtlMs = (env: NodeJS.ProcessEnv = process.env): number => {
  const hours = Number(env.PLUME_IDEMPOTENCY_TTL_HOURS)
  return (hours > 0 ? hours : 24) * 3_600_000
}

/**
 * Forgets keys claimed before `now - ttlMs` (the job worker runs it hourly, see plugin.ts).
 * Answers how many went.
 */
export async function expireIdempotencyKeys(
  db: Knex,
  now: Date,
  ttlMs = idempotencyTtlMs(),
): Promise<number> {
  return db(IDEMPOTENCY_TABLE)
    .where('created_at', '<', new Date(now.getTime() - ttlMs))
    .delete()
}
const KEY = /^[\x21-\x7e]{1,200}$/

interface RequestParams {
  headers?: Record<string, unknown>
  /** In-process callers may pass the key directly. */
  idempotencyKey?: string
  user?: { id?: unknown }
}

/** The `Idempotency-Key` of a request (REST puts headers, lower-cased, in `params.headers`). */
export function idempotencyKey(params: RequestParams | undefined): string | undefined {
  const raw = params?.idempotencyKey ?? params?.headers?.['idempotency-key']
  const key = Array.isArray(raw) ? raw[0] : raw
  if (key === undefined || key === null || key === '') return undefined
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw new BadRequest('Invalid Idempotency-Key header: 1 to 200 visible ASCII characters', {
      errors: [{ path: '/headers/idempotency-key', message: 'must be 1-200 visible ASCII characters' }],
    })
  }
  return key
}

/** JSON with sorted keys, so `{a,b}` and `{b,a}` hash the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as Record<string, unknown>)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(v ?? null)
}

export const requestHash = (body: unknown) => createHash('sha256').update(canonical(body)).digest('hex')

export interface IdempotentCall {
  trx: Knex.Transaction
  params: RequestParams | undefined
  /** `POST /api/orders`, `POST /api/orders/42/submit` */
  route: string
  body: unknown
  /** HTTP status the first answer had (kept with it). */
  status?: number
}

/**
 * Runs `run` at most once per (Idempotency-Key, user, route). The key is claimed inside the
 * caller's transaction, so the stored answer commits or rolls back with the work itself: a
 * retry after a success replays the first answer; after a failure it runs again. A concurrent
 * duplicate waits on the key's unique index and then replays. Same key, other body → 422.
 * @example return idempotent({ trx, params, route: `POST /api/orders/${id}/submit`, body: data }, () => submit())
 */
export async function idempotent<T>(
  call: IdempotentCall,
  run: () => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  const key = idempotencyKey(call.params)
  if (!key) return { result: await run(), replayed: false }
  const userId = Number(call.params?.user?.id ?? 0) || 0
  const hash = requestHash(call.body)
  const { trx, route } = call
  const claimed = await trx.raw(
    `insert into ${IDEMPOTENCY_TABLE} (key, user_id, route, request_hash, status) values (?, ?, ?, ?, 0)
     on conflict (key, user_id, route) do nothing returning key`,
    [key, userId, route, hash],
  )
  if ((claimed as { rows: unknown[] }).rows.length === 0) {
    const row = (await trx(IDEMPOTENCY_TABLE)
      .select('request_hash', 'status', 'response')
      .where({ key, user_id: userId, route })
      .first()) as { request_hash: string; status: number; response: unknown } | undefined
    if (!row)
      throw new Conflict('The request with this Idempotency-Key is still being processed; retry shortly')
    if (row.request_hash !== hash) {
      throw new Unprocessable(
        `Idempotency-Key "${key}" was already used for ${route} with a different request body`,
        { errors: [{ path: '/headers/idempotency-key', message: 'reused with a different body' }] },
      )
    }
    const response = typeof row.response === 'string' ? (JSON.parse(row.response) as T) : (row.response as T)
    return { result: response, replayed: true }
  }
  const result = await run()
  await trx(IDEMPOTENCY_TABLE)
    .where({ key, user_id: userId, route })
    .update({ status: call.status ?? 201, response: JSON.stringify(result ?? null) })
  return { result, replayed: false }
}
