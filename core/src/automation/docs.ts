/** How the alert and automation services describe themselves in `/api/openapi.json`. */
import { PAGING, objectSchema, pageOf } from '../app/openapi/shared.js'
import type { ServiceDocs } from '../app/openapi/types.js'
import { automationRuleSchema } from './schema.js'

const TAG = 'Alerts and automation'
const ID = { type: 'integer', minimum: 1 }
const stored = { $ref: '#/components/schemas/StoredAutomationRule' }
const body = (required: string[]) =>
  objectSchema(
    {
      kind: { enum: ['alert', 'automation'] },
      definition: { $ref: '#/components/schemas/AutomationRule' },
      enabled: { type: 'boolean' },
      version: { type: 'integer', description: 'Expected version (optimistic concurrency)' },
    },
    required,
  )

export const alertRulesDocs: ServiceDocs = {
  tag: TAG,
  description: 'Alert and automation rules as data (admins).',
  id: ID,
  schemas: {
    AutomationRule: automationRuleSchema,
    StoredAutomationRule: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        name: { type: 'string' },
        kind: { enum: ['alert', 'automation'] },
        enabled: { type: 'boolean' },
        version: { type: 'integer' },
        definition: { $ref: '#/components/schemas/AutomationRule' },
      },
    },
  },
  operations: {
    find: { summary: 'List alert and automation rules', result: { type: 'array', items: stored } },
    get: { summary: 'Get a rule', result: stored },
    create: {
      summary: 'Add a rule',
      body: body(['definition']),
      result: stored,
      errors: { 409: 'A rule with that name exists' },
    },
    update: {
      summary: 'Replace a rule',
      body: body(['definition']),
      result: stored,
      errors: { 409: 'Version conflict or name taken' },
    },
    patch: {
      summary: 'Change a rule (enable, disable, edit)',
      body: body([]),
      result: stored,
      errors: { 409: 'Version conflict or name taken' },
    },
    remove: { summary: 'Delete a rule', result: stored },
  },
}

export const dryRunDocs: ServiceDocs = {
  tag: TAG,
  operations: {
    create: {
      summary: 'Dry-run a rule: whether it matches and what each action would do (nothing changes)',
      description:
        'Needs `dryRun` on the `alertRules` resource (admins have it). `{lastEvents: N}` (1–50, alone) replays an ' +
        'event rule on the N most recent changes of its entity that match its trigger, from the audit trail (record = ' +
        'the state after, previous = the state before), newest first: `{rule, trigger, lastEvents, events: [{auditId, ' +
        'at, action, recordId, wouldFire, undetermined?, evaluations, actions}], changed: false}`. Values the audit ' +
        'masks stay masked: a condition reading one is reported as not evaluable (`undetermined`). A schedule rule: 400.',
      body: objectSchema({
        record: { type: 'object', description: 'The record as the trigger would see it' },
        previous: { type: 'object', description: 'The record before the change' },
        data: { type: 'object', description: 'The change sent' },
        at: { type: 'string', format: 'date-time', description: 'Evaluate as of this time' },
        action: { type: 'string', description: 'The transition to evaluate (submit, ship …)' },
        lastEvents: {
          type: 'integer',
          minimum: 1,
          maximum: 50,
          description: 'Replay the rule on the N most recent matching events of the audit trail (alone)',
        },
      }),
      result: {
        type: 'object',
        properties: {
          rule: { type: 'object' },
          trigger: {},
          now: { type: 'string' },
          matched: { type: 'boolean' },
          evaluations: { type: 'array', items: { type: 'object' } },
          actions: { type: 'array', items: { type: 'object' } },
          error: { type: 'string' },
          lastEvents: { type: 'integer' },
          events: { type: 'array', items: { type: 'object' } },
          changed: { const: false },
        },
      },
    },
  },
}

export const firingsDocs: ServiceDocs = {
  tag: TAG,
  id: ID,
  operations: {
    find: {
      summary: 'Rule firings, newest first: trigger, matched conditions, each action and its outcome',
      query: objectSchema({
        ...PAGING,
        ruleId: ID,
        ruleName: { type: 'string' },
        ruleKind: { enum: ['alert', 'automation'] },
        status: { type: 'string' },
        recordId: { type: 'string' },
      }),
      result: pageOf({ type: 'object' }),
    },
    get: { summary: 'One firing', result: { type: 'object' } },
  },
}

export const deadLettersDocs: ServiceDocs = {
  tag: TAG,
  id: ID,
  operations: {
    find: {
      summary: 'Rule actions that failed for good',
      query: objectSchema(PAGING),
      result: { type: 'array', items: { type: 'object' } },
    },
    get: { summary: 'One dead letter', result: { type: 'object' } },
    patch: {
      summary: 'Replay a dead letter',
      body: objectSchema({ replay: { const: true } }, ['replay']),
      result: { type: 'object' },
    },
    remove: { summary: 'Discard a dead letter', result: { type: 'object' } },
  },
}
