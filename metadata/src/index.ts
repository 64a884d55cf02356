export { buildEntities } from './registry.js'
export type { BuildResult, EntitySource } from './registry.js'
export { DefinitionLoadError, ENTITIES_DIR, loadEntities, loadEntityFiles } from './load.js'
export { normalizeEntity, normalizeField } from './normalize.js'
export { columnType } from './columns.js'
export { entityJsonSchema, fieldJsonSchema, stripExtensions } from './schema.js'
export { metaschema, FORMATS, X_TYPES } from './metaschema.js'
export { validateFile } from './validate-file.js'
export { MONEY_PATTERN, PERCENT_PATTERN, RESERVED_FIELDS, X_COLUMN_PATTERN } from './raw.js'
export type { RawEntity, RawExtension, RawFile, RawIndex, RawProperty, RawRelation } from './raw.js'
export type {
  DefinitionError,
  EntityDefinition,
  EntityUi,
  FieldDefinition,
  FieldRef,
  FieldType,
  FieldUi,
  IndexDefinition,
  LocalizedText,
  RelationDefinition,
  RelationKind,
  SemanticType,
} from './types.js'
