/** Type-only entry (`@plume/sdk/types`): the schema shapes generated files and clients use. */
export type * from './schema.js'
export type { FieldError, PlumeErrorJson } from './errors.js'
export type { AuthResult, Credentials } from './session.js'
