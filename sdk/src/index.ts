/**
 * `@plume/sdk`: a typed, composable client for Plume.
 * @example
 * const client = createClient<Schema>('https://plume.example.com').with(rest()).with(auth({ email, password })).with(realtime())
 * const page = await client.request(readItems('customers', { $limit: 10 }))
 */
export { createClient, type ClientOptions, type PlumeClient } from './client.js'
export {
  rest,
  type CommandContext,
  type CommandSpec,
  type RestClient,
  type RestCommand,
  type RestOptions,
} from './rest.js'
export { auth, type AuthClient } from './auth.js'
export { realtime, type RealtimeClient, type RealtimeOptions, type ServiceEvent } from './realtime.js'
export { readItems, readItem, createItem, updateItem, deleteItem } from './commands/items.js'
export { runAction } from './commands/actions.js'
export { login, logout, refresh } from './commands/auth.js'
export {
  createEmbedSession,
  revokeEmbedSession,
  type EmbedScope,
  type EmbedSession,
  type EmbedSessionInput,
} from './commands/embed.js'
export { PlumeError, isPlumeError, toPlumeError, type FieldError, type PlumeErrorJson } from './errors.js'
export { encodeQuery, type HttpMethod, type RequestSpec } from './http.js'
export { Session, type AuthResult, type Credentials } from './session.js'
export type * from './schema.js'
