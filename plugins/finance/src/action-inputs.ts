/** Request bodies of the finance actions (validated by the action layer, shown in /api/openapi.json). */

const object = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
})
const ISSUE_DATE = {
  type: 'string',
  format: 'date',
  description: 'Issue date (YYYY-MM-DD, UTC); default today',
}
const ID = { type: 'integer', minimum: 1, maximum: 2147483647 }

export const ISSUE_INVOICE_INPUT = object({ issueDate: ISSUE_DATE })
export const VOID_INVOICE_INPUT = object(
  {
    reason: {
      type: 'string',
      minLength: 1,
      maxLength: 500,
      pattern: '\\S',
      description: 'Why the invoice is voided',
    },
  },
  ['reason'],
)

/** `{}` or `{auto: true}` allocates oldest invoices first; or name the invoices and amounts. */
export const ALLOCATE_PAYMENT_INPUT = object({
  auto: {
    const: true,
    description: 'Allocate to the oldest open invoices first (the default when `allocations` is absent)',
  },
  allocations: {
    type: 'array',
    minItems: 1,
    maxItems: 200,
    items: object(
      {
        invoiceId: ID,
        amount: {
          type: 'string',
          pattern: '^\\d{1,12}(\\.\\d{1,2})?$',
          description: 'Exact decimal, e.g. "120.50"',
        },
      },
      ['invoiceId', 'amount'],
    ),
  },
})

export const ISSUE_CREDIT_NOTE_INPUT = object({ issueDate: ISSUE_DATE })
export const APPLY_CREDIT_NOTE_INPUT = object({
  invoiceId: { ...ID, description: "The invoice to credit (default: the credit note's own)" },
})
export const VOID_CREDIT_NOTE_INPUT = object({})
