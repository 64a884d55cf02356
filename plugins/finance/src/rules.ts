const role = (r: string) => ({ fact: 'user', path: '$.roles', operator: 'contains', value: r })

/**
 * The finance plugin's permission rules: its actions and custom services. Shipped as data
 * on the definition (`rules`), with the grants on its entities (`rules/grants.json`, loaded by the
 * plugin host): seeded once by name, applied while the plugin is enabled.
 */
export const FINANCE_RULES = [
  {
    name: 'finance-actions',
    description:
      'Finance issues and voids invoices and credit notes, allocates payments, invoices orders and reads receivables',
    effect: 'allow',
    entities: ['invoice', 'payment', 'creditNote', 'invoicesFromOrders', 'ar', 'arStatements'],
    actions: [
      'invoices:issue',
      'invoices:void',
      'payments:allocate',
      'credit-notes:issue',
      'credit-notes:apply',
      'credit-notes:void',
      'create',
      'find',
      'get',
    ],
    conditions: { all: [role('finance')] },
  },
  {
    name: 'partner-receivables',
    description:
      "Partner users read their own partner's receivables and customer statements (the services scope them)",
    effect: 'allow',
    entities: ['ar', 'arStatements'],
    actions: ['find', 'get'],
    conditions: { any: [role('partner_admin'), role('partner_user')] },
  },
]
