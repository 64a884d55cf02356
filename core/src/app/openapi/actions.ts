/** OpenAPI of record actions: `POST /api/<plural>/{id}/<action>` with their input schemas and states. */
import type { EntityDefinition } from '@plume/metadata'
import type { ActionInfo } from '../../plugins/actions.js'
import { errorResponse, json, openApiPath, pascal } from './shared.js'
import type { Json } from './types.js'

const ANY_OBJECT: Json = {
  type: 'object',
  description: 'This action declares no input schema: any JSON object is passed to it.',
}

/**
 * The path item of one action.
 * @example actionDocs(order, info) // { '/api/orders/{id}/submit': { post: { … } } }
 */
export function actionDocs(entity: EntityDefinition, info: ActionInfo): Json {
  const Name = pascal(entity.name)
  const states = info.states
    ? ` Applies to records whose \`status\` is ${info.states.map((s) => `\`${s}\``).join(', ')} (409 otherwise).`
    : ''
  return {
    [openApiPath(info.path)]: {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
      post: {
        tags: [entity.ui.label.en],
        summary: `${info.label?.en ?? info.name} (${entity.ui.label.en})`,
        description: `Runs the \`${info.name}\` action on one ${entity.ui.label.en} in one transaction, audited. Permission \`${info.permission}\`.${states}`,
        operationId: `${info.name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase())}${Name}`,
        requestBody: { required: false, content: json(info.input ?? ANY_OBJECT) },
        responses: {
          201: {
            description: 'The action ran; its result (usually the updated record)',
            content: json({ type: 'object' }),
          },
          400: errorResponse('Invalid input'),
          401: errorResponse('Not authenticated'),
          403: errorResponse('Not permitted'),
          404: errorResponse('No such record'),
          409: errorResponse("Not allowed in the record's state"),
        },
        'x-plume-action': info.name,
        'x-plume-plugin': info.plugin,
        'x-plume-permission': info.permission,
        ...(info.states ? { 'x-plume-states': [...info.states] } : {}),
      },
    },
  }
}
