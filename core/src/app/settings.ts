import type { DashboardCard, MetaFilter } from './meta-service.js'

/**
 * The settings of the assembly: the meta service's filter and dashboard cards.
 */
declare module '../kernel/settings.js' {
  interface PlumeSettings {
    metaFilter?: MetaFilter
    dashboardCards?: DashboardCard[]
    /** Grows whenever entity definitions change at run time: the API document is derived again. */
    metadataRevision?: number
  }
}
