/**
 * `@plume/sdk/widgets`: Plume's widgets as Web Components. Importing this module defines
 * `<plume-catalog>`, `<plume-order-form>`, `<plume-order-status>`, `<plume-partner-dashboard>` and `<plume-invoices>`
 * (once per page); the platform serves it built as `/sdk/plume.js`.
 * @example
 * <script type="module" src="https://plume.example.com/sdk/plume.js"></script>
 * <plume-catalog publishable-key="pk_…"></plume-catalog>
 */
import { PlumeCatalog } from './catalog.js'
import { PlumeInvoices } from './invoices.js'
import { PlumeOrderForm } from './order-form.js'
import { PlumeOrderStatus } from './order-status.js'
import { PlumePartnerDashboard } from './partner-dashboard.js'

export { configure, type EmbedConfig } from './connection.js'
export type { Appearance } from './styles.js'
export type { AddToOrderDetail } from './catalog.js'
export { PlumeCatalog, PlumeInvoices, PlumeOrderForm, PlumeOrderStatus, PlumePartnerDashboard }

const ELEMENTS: Array<[string, CustomElementConstructor]> = [
  ['plume-catalog', PlumeCatalog],
  ['plume-order-form', PlumeOrderForm],
  ['plume-order-status', PlumeOrderStatus],
  ['plume-partner-dashboard', PlumePartnerDashboard],
  ['plume-invoices', PlumeInvoices],
]

/** Defines the elements (skipping names the page defined already). */
export function defineWidgets(registry: CustomElementRegistry = customElements): void {
  for (const [name, ctor] of ELEMENTS) if (!registry.get(name)) registry.define(name, ctor)
}

defineWidgets()
