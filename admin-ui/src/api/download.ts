/** Files from the server (exports, scheduled report files) and blobs made in the browser, saved as downloads. */
import { getToken } from './client'

/** Hands a blob to the browser as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(a.href), 1000)
}

/**
 * `GET /api/<path>?<query>` with the session's token, saved as a download under the name the
 * server gives (`content-disposition`); returns that name. A non-2xx answer throws its message.
 * @example await downloadFile('reports/sales-by-partner/run', { format: 'csv', labels: 'zh-CN' })
 */
export async function downloadFile(
  path: string,
  query: Record<string, string | number | undefined> = {},
): Promise<string> {
  const qs = new URLSearchParams(
    Object.entries(query)
      .filter((e): e is [string, string | number] => e[1] !== undefined)
      .map(([k, v]) => [k, String(v)]),
  )
  const token = getToken()
  const res = await fetch(`/api/${path}${qs.size ? `?${qs.toString()}` : ''}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  })
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { message?: string }
    throw new Error(body.message ?? `HTTP ${res.status}`)
  }
  const filename =
    /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ??
    path.split('/').pop() ??
    'download'
  saveBlob(await res.blob(), filename)
  return filename
}
