import type { EntityDefinition, FieldDefinition } from '@plume/metadata'
import type { TestPlatform } from './types.js'

type Row = Record<string, unknown>

/** Field values the schema cannot express, per entity name (e.g. a field that names an entity). */
export type SampleOverrides = Record<string, Row>

/**
 * Minimal valid records generated from entity definitions, created through the REST API as an
 * admin: the required fields only, each given the simplest value its schema accepts; a reference
 * is resolved to an existing record of the referenced entity, or to one created the same way.
 * @example const s = new SampleRecords(p, await p.login()); const order = await s.create('order')
 */
export class SampleRecords {
  private seq = 0
  private readonly existing = new Map<string, number>()

  constructor(
    readonly platform: TestPlatform,
    readonly token: string,
    private readonly overrides: SampleOverrides = {},
  ) {}

  entity(name: string): EntityDefinition {
    const e = this.platform.entities.get(name)
    if (!e) throw new Error(`no entity "${name}"`)
    return e
  }

  /** The request body of a minimal valid record of `name` (references resolved). */
  async data(name: string, extra: Row = {}): Promise<Row> {
    const e = this.entity(name)
    const n = ++this.seq
    // a reference in a unique index gets a record of its own, a unique enum its next value
    const unique = new Set(e.indexes.filter((i) => i.unique).flatMap((i) => i.fields))
    const out: Row = {}
    for (const field of e.required) {
      const f = e.fields[field]
      if (!f || f.serverManaged || f.readOnly) continue
      const fresh = f.unique || unique.has(field)
      if (f.ref) out[field] = fresh ? (await this.create(f.ref.entity)).id : await this.idOf(f.ref.entity)
      else out[field] = fresh && f.enum?.length ? await this.unusedValue(e, field, f.enum) : sampleValue(f, n)
    }
    return { ...out, ...this.overrides[name], ...extra }
  }

  /** Creates a minimal record of `name`; throws with the answer when the platform refuses it. */
  async create(name: string, extra: Row = {}): Promise<Row> {
    const body = await this.data(name, extra)
    const r = await this.platform.http('POST', `/api/${this.entity(name).plural}`, body, this.token)
    if (r.status !== 201)
      throw new Error(`create ${name} → ${r.status} ${JSON.stringify(r.body)} (sent ${JSON.stringify(body)})`)
    return r.body as Row
  }

  /** The first of `values` no record of `e` has in `field` (or the first, to let the create fail). */
  private async unusedValue(
    e: EntityDefinition,
    field: string,
    values: Array<string | number>,
  ): Promise<unknown> {
    for (const v of values) {
      const r = await this.platform.http(
        'GET',
        `/api/${e.plural}?${field}=${encodeURIComponent(v)}&$limit=0`,
        undefined,
        this.token,
      )
      if ((r.body as { total?: number } | undefined)?.total === 0) return v
    }
    return values[0]
  }

  /** Id of a record of `name`: an existing one, or one created for the purpose. */
  async idOf(name: string): Promise<number> {
    const known = this.existing.get(name)
    if (known !== undefined) return known
    const r = await this.platform.http(
      'GET',
      `/api/${this.entity(name).plural}?$limit=1&$sort[id]=1`,
      undefined,
      this.token,
    )
    const found = (r.body as { data?: Row[] } | undefined)?.data?.[0]?.id
    const id = typeof found === 'number' ? found : ((await this.create(name)).id as number)
    this.existing.set(name, id)
    return id
  }
}

/** The simplest value a field's schema accepts; `n` keeps unique fields unique. */
export function sampleValue(f: FieldDefinition, n: number): unknown {
  if (f.default !== undefined && f.default !== null) return f.default
  if (f.enum?.length) return f.enum[0]
  switch (f.type) {
    case 'boolean':
      return false
    case 'object':
      return {}
    case 'array':
      return []
    case 'integer':
    case 'number':
      return numberSample(f)
  }
  if (f.xType === 'money' || f.xType === 'percent' || f.xType === 'quantity') return '1.00'
  if (f.format === 'date') return '2026-01-15'
  if (f.format === 'date-time') return '2026-01-15T08:00:00.000Z'
  if (f.format === 'email') return `sample${n}@conformance.test`
  if (f.format === 'uuid') return '00000000-0000-4000-8000-' + String(n).padStart(12, '0')
  const min = Math.max(f.minLength ?? 0, f.name === 'password' ? 12 : 0)
  const candidates = [`c${n}`, `C${n}`, `Sample ${n}`, 'ABC', String(n)].map((c) => c.padEnd(min, 'x'))
  const pattern = f.pattern ? new RegExp(f.pattern, 'u') : undefined
  return candidates.find((c) => !pattern || pattern.test(c)) ?? candidates[0]
}

function numberSample(f: FieldDefinition): number {
  if (f.minimum !== undefined) return Math.max(f.minimum, Math.min(1, f.maximum ?? 1))
  if (f.exclusiveMinimum !== undefined) return f.exclusiveMinimum + 1
  return Math.min(1, f.maximum ?? 1)
}
