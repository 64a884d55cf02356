/** Money lives in core's public API; re-exported here for the orders plugin's own modules. */
export { Money, money, dec, type MoneyInput } from '@plume/core'
