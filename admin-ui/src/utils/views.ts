/**
 * The columns a user chose for a list, per user and entity, in localStorage. Saved views (filters,
 * sort, columns, shareable with a role) are stored on the server: components/list/saved-views.ts.
 */
const colKey = (userId: unknown, entity: string) => `plume.columns.${String(userId ?? 'anon')}.${entity}`
export const loadColumns = (userId: unknown, entity: string): string[] | undefined => {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(colKey(userId, entity)) ?? 'null')
    return Array.isArray(v) ? (v as string[]) : undefined
  } catch {
    return undefined
  }
}
export const storeColumns = (userId: unknown, entity: string, cols: string[]) =>
  localStorage.setItem(colKey(userId, entity), JSON.stringify(cols))
