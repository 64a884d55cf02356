import { describe, expect, it } from 'vitest'
import { databaseOptionsFromEnv } from '../connect.js'

describe('database options from the environment', () => {
  it('reads the server, the PGlite folder and the pool size', () => {
    expect(databaseOptionsFromEnv({ DATABASE_URL: 'postgres://db/x', PLUME_DB_POOL_MAX: '24' })).toEqual({
      url: 'postgres://db/x',
      dataDir: './data',
      pool: { max: 24 },
    })
    expect(databaseOptionsFromEnv({ PLUME_DATA_DIR: 'memory' })).toEqual({
      url: undefined,
      dataDir: 'memory',
    })
  })

  it('ignores a pool size that is not a positive whole number', () => {
    for (const bad of ['0', '-3', '2.5', 'ten', ''])
      expect(databaseOptionsFromEnv({ PLUME_DB_POOL_MAX: bad }).pool).toBeUndefined()
  })
})
