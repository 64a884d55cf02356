/**
 * Permission conditions are compiled by the one rule module (`core/src/rules/conditions.ts`) with
 * json-rules-engine's exact operator semantics: synchronous and allocation-free on the request
 * path (`__tests__/conditions.test.ts` checks it against json-rules-engine itself). A fact or path
 * that resolves to `undefined` throws {@link MissingFact}, which the permission engine turns into a deny.
 */
export {
  compileCondition,
  FACT_PATH,
  isFactRef as isFactValueRef,
  MissingFact,
  pathSegments,
  resolvePath,
  type CompiledCondition,
} from '../rules/conditions.js'
