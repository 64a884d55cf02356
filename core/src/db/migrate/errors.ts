import type { DestructiveChange } from './types.js'

/**
 * Thrown when a migration would lose or rewrite data and was not confirmed.
 * Nothing has been changed when it is thrown.
 */
export class DestructiveChangeError extends Error {
  readonly changes: DestructiveChange[]

  constructor(changes: DestructiveChange[]) {
    const lines = changes.map((c) => `  - ${c.table}${c.column ? `.${c.column}` : ''}: ${c.detail}`)
    super(
      [
        `Schema migration refused: ${changes.length} change(s) would lose or rewrite existing data.`,
        ...lines,
        'Nothing was changed. To apply these changes, set PLUME_MIGRATE_CONFIRM=1 ' +
          'or pass { confirmDestructive: true } to migrate().',
      ].join('\n'),
    )
    this.name = 'DestructiveChangeError'
    this.changes = changes
  }
}
