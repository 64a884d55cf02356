/** The seed helpers live in core's public API; re-exported here for the inventory plugin's own modules. */
export { seededRandom, insertRows, type Random } from '@plume/core'
