import type { DashboardCard, MetaFilter } from './meta-service.js'

/**
 * The settings of the assembly: the meta service's filter and dashboard cards.
 */
declare module '../kernel/settings.js' {
  interface PlumeSettings {
    metaFilter?: MetaFilter
    dashboardCards?: DashboardCard[]
  }
}
