// The one place the migrator names the metadata package.
export type { EntityDefinition, FieldDefinition, IndexDefinition } from '@plume/metadata'
