import type { EntityDefinition } from '@plume/metadata'

/** Route of an entity's service: `api/<plural>`. */
export const servicePath = (entity: Pick<EntityDefinition, 'plural'>) => `api/${entity.plural}`
