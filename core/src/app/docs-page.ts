import type { EntityDefinition } from '@plume/metadata'
import type { Json } from './openapi/types.js'

const esc = (s: unknown) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  )

const VERBS = ['get', 'post', 'put', 'patch', 'delete'] as const

/** Every operation of the OpenAPI document, one row each, grouped by tag. */
function endpointIndex(doc: Json): string {
  const rows: Array<{ tag: string; html: string }> = []
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Record<string, Json>>)) {
    for (const verb of VERBS) {
      const op = item[verb]
      if (!op) continue
      const tag = String((op.tags as string[] | undefined)?.[0] ?? '')
      const states = op['x-plume-states'] as string[] | undefined
      const notes = [
        op.security && (op.security as unknown[]).length === 0 ? 'public' : '',
        op['x-plume-permission'] ? `permission ${String(op['x-plume-permission'])}` : '',
        states ? `states: ${states.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join(' · ')
      rows.push({
        tag,
        html: `<tr><td>${esc(tag)}</td><td><code>${verb.toUpperCase()} ${esc(path)}</code></td><td>${esc(op.summary)}</td><td>${esc(notes)}</td></tr>`,
      })
    }
  }
  rows.sort((a, b) => a.tag.localeCompare(b.tag))
  return `<section id="endpoints"><h2>Endpoints · 接口</h2><table><thead><tr><th>Group</th><th>Route</th><th>Summary</th><th>Notes</th></tr></thead><tbody>${rows.map((r) => r.html).join('')}</tbody></table></section>`
}

/**
 * A self-contained, human-readable API reference page (no CDN: works offline): every operation
 * of the OpenAPI document, then each entity's fields.
 * @example const html = docsPage([...app.get('entities').values()], openApiDocument(describeApp(app, [])))
 */
export function docsPage(all: EntityDefinition[], doc: Json): string {
  const paths = (doc.paths ?? {}) as Json
  const entities = all.filter((e) => `/api/${e.plural}` in paths)
  const sections = [...entities]
    .sort((a, b) => a.domain.localeCompare(b.domain) || a.name.localeCompare(b.name))
    .map((e) => {
      const rows = e.fieldOrder
        .filter((n) => e.fields[n]?.schema.writeOnly !== true)
        .map((n) => {
          const f = e.fields[n]!
          const type = f.xType ?? (f.format ? `${f.type} (${f.format})` : f.type)
          const notes = [
            f.required ? 'required' : '',
            f.readOnly || f.serverManaged ? 'read-only' : '',
            f.unique ? 'unique' : '',
            f.ref ? `→ ${f.ref.entity}` : '',
            f.enum ? f.enum.join(' | ') : '',
          ]
            .filter(Boolean)
            .join(', ')
          return `<tr><td><code>${esc(n)}</code></td><td>${esc(type)}${f.nullable ? ' | null' : ''}</td><td>${esc(f.ui.label?.en ?? '')} / ${esc(f.ui.label?.['zh-CN'] ?? '')}</td><td>${esc(notes)}</td></tr>`
        })
        .join('')
      return `<section id="${esc(e.name)}"><h2>${esc(e.ui.label.en)} · ${esc(e.ui.label['zh-CN'])} <small>${esc(e.domain)}</small></h2>
<p><code>GET/POST /api/${esc(e.plural)}</code> · <code>GET/PUT/PATCH/DELETE /api/${esc(e.plural)}/:id</code></p>
<table><thead><tr><th>Field</th><th>Type</th><th>Label</th><th>Notes</th></tr></thead><tbody>${rows}</tbody></table></section>`
    })
    .join('\n')
  const toc = [...entities]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((e) => `<a href="#${esc(e.name)}">${esc(e.plural)}</a>`)
    .join(' ')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Plume API</title>
<style>body{font:14px/1.5 system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left}small{color:#888}nav a{margin-right:.5rem}</style></head>
<body><h1>Plume API</h1><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1). Query syntax: <code>$limit $skip $sort $select $in $nin $lt $lte $gt $gte $ne $or $like $ilike</code>. Money is an exact decimal string; times are UTC ISO-8601.</p>
<nav><a href="#endpoints">endpoints</a> ${toc}</nav>${endpointIndex(doc)}${sections}</body></html>`
}
