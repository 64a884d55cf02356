import type { AutomationEngine } from '../automation/engine.js'
import type { DashboardCard, MetaFilter } from './meta-service.js'

/**
 * The settings of the assembly: the meta service's filter and dashboard cards, and the
 * automation engine (declared here while automation/ is being rewritten).
 */
declare module '../kernel/settings.js' {
  interface PlumeSettings {
    metaFilter?: MetaFilter
    dashboardCards?: DashboardCard[]
    automation?: AutomationEngine
  }
}
