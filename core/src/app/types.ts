/**
 * Kept only for the modules being rewritten under another change (automation, the permission
 * rule store and engine); everything else imports `../kernel/types.js`. Remove once they moved.
 * @deprecated import from `kernel/types.js`
 */
export type { AroundHook, PlumeApp, PlumeSettings } from '../kernel/types.js'
