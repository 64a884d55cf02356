/**
 * What erasing a customer does to each entity that holds their personal data (docs/privacy.md).
 * `remove`: the rows referring to the customer are deleted. `set`: those columns are overwritten
 * (`null`, or a pseudonym made from the record id); everything else — amounts, dates, numbers,
 * statuses — stays, so orders, invoices, payments and credit notes keep what tax law requires.
 * Entities a deployment does not run are skipped.
 */
export interface ErasureRule {
  /** The field referring to the customer. */
  via: string
  remove?: true
  set?: Record<string, (id: number) => unknown>
}

const NULL = () => null

export const CUSTOMER_ERASURE: Record<string, ErasureRule> = {
  activity: { via: 'customerId', remove: true },
  contact: { via: 'customerId', remove: true },
  order: { via: 'customerId', set: { shippingAddress: NULL, notes: NULL } },
  ticket: { via: 'customerId', set: { subject: () => 'Erased', description: NULL } },
}

/** The customer record itself: the name becomes a pseudonym, contact data and addresses go. */
export const CUSTOMER_FIELDS: Record<string, (id: number) => unknown> = {
  name: (id) => `Erased customer ${id}`,
  email: NULL,
  phone: NULL,
  billingAddress: NULL,
  shippingAddress: NULL,
}

/** Kept while the customer has invoices (the tax id is printed on them), erased otherwise. */
export const TAX_FIELDS = ['taxId'] as const
