import { NotAuthenticated } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import { LocalStrategy } from '@feathersjs/authentication-local'
import type { Database } from '../db/connect.js'

/**
 * Local (email + password) strategy reading the hash straight from the users table: the users
 * service never returns password hashes, not even to internal callers.
 */
export class PlumeLocalStrategy extends LocalStrategy {
  constructor(private readonly getDb: () => Database) {
    super()
  }

  override async findEntity(username: string, _params: Params): Promise<Record<string, unknown>> {
    if (typeof username !== 'string' || !username) throw new NotAuthenticated('Invalid login')
    const row = (await this.getDb().knex('users').select('id', 'password', 'active').whereRaw('lower(??) = lower(?)', ['email', username]).first()) as
      | { id: number; password: string | null; active: boolean }
      | undefined
    if (!row || !row.active || !row.password) throw new NotAuthenticated('Invalid login')
    return row
  }

  override async getEntity(result: { id: number }, params: Params): Promise<unknown> {
    const { provider: _p, ...rest } = params
    return this.entityService.get(result.id, rest)
  }
}
