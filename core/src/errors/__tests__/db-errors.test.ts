import { describe, expect, it } from 'vitest'
import { toClientError } from '../db-errors.js'

const pgError = (code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error('select secret from t'), { code, ...extra })

describe('database errors as client errors', () => {
  it('a lost, refused or exhausted connection is a 503 to retry, without driver text', () => {
    for (const err of [
      pgError('57P01'),
      pgError('08006'),
      pgError('53300'),
      new Error('Connection terminated unexpectedly'),
      new Error('Knex: Timeout acquiring a connection. The pool is probably full.'),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ]) {
      const e = toClientError(err)
      expect(e.code).toBe(503)
      expect(e.message).toBe('The database is not available right now; please retry')
    }
  })

  it('keeps mapping constraint failures to 4xx and anything else to a bare 500', () => {
    expect(toClientError(pgError('23505', { column: 'code' })).code).toBe(409)
    expect(toClientError(pgError('23514', { column: 'quantity' })).code).toBe(400)
    const other = toClientError(new Error('boom at /srv/app.js:1'))
    expect([other.code, other.message]).toEqual([500, 'Internal error'])
  })
})
