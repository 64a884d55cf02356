export {
  KeyRing,
  loadKeyRing,
  parseKeys,
  isEncrypted,
  keyIdOf,
  EncryptionKeyError,
  ENCRYPTED_PREFIX,
} from './keyring.js'
export {
  encryptedFields,
  isEncryptedField,
  fieldCodec,
  mayReveal,
  maskRow,
  MASK,
  DEFAULT_REVEAL_ROLES,
} from './fields.js'
export type { FieldCodec } from './fields.js'
export { rotateKeys } from './rotate.js'
export type { RotationReport, RotationOptions } from './rotate.js'
