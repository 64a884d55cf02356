/** An invoice as stored (money as exact decimal strings). */
export interface InvoiceRow {
  id: number
  number: string
  customerId: number
  partnerId: number | null
  status: 'draft' | 'issued' | 'partially_paid' | 'paid' | 'void'
  issueDate: string | Date | null
  dueDate: string | Date | null
  currency: string
  subtotal: string
  taxTotal: string
  total: string
  amountPaid: string
  creditTotal: string
  [key: string]: unknown
}

export interface InvoiceLineRow {
  id: number
  invoiceId: number
  orderId: number | null
  orderLineId: number | null
  description: string
  quantity: number
  unitPrice: string
  discount: string
  taxRate: number | string
  lineTotal: string
  taxAmount: string
  [key: string]: unknown
}

/** An invoice line before it is stored. */
export interface NewInvoiceLine {
  orderId: number | null
  orderLineId: number | null
  description: string
  quantity: number
  unitPrice: string
  discount: string
  taxRate: number
  lineTotal: string
  taxAmount: string
}

export type InvoiceWithLines = InvoiceRow & { lines: InvoiceLineRow[] }

/** Invoices that count as billed (and can be settled). */
export const OPEN_STATES = ['issued', 'partially_paid'] as const
