/** Record actions: `POST /api/<plural>/<id>/<action>`. */
import type { RestCommand } from '../rest.js'
import type { ActionInput, ActionOf, AnySchema, Collection, PlumeSchema, RowOf } from '../schema.js'
import { itemPath } from './items.js'

/**
 * Runs an action on one record (in one transaction on the server); resolves with its result,
 * usually the updated record. A state that does not allow it rejects with code 409.
 * @example await client.request(runAction('orders', 42, 'cancel', { reason: 'Changed my mind' }))
 */
export function runAction<
  S extends PlumeSchema = AnySchema,
  C extends Collection<S> = Collection<S>,
  A extends ActionOf<S, C> = ActionOf<S, C>,
>(
  collection: C,
  id: number | string,
  action: A,
  input?: ActionInput<S, C, A>,
  options: { idempotencyKey?: string } = {},
): RestCommand<RowOf<S, C>, S> {
  return () => ({
    method: 'POST',
    path: `${itemPath(collection, id)}/${encodeURIComponent(action)}`,
    body: input ?? {},
    headers: options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : undefined,
  })
}
