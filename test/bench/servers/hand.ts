// The baseline: a minimal hand-written Koa + pg handler over the same customers table.
import Koa from 'koa'
import pg from 'pg'

const port = Number(process.argv[2] ?? 3332)
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
// the same columns the generated service answers with: both sides send the same rows
const cols = [
  'id',
  'code',
  'name',
  'type',
  'taxId',
  'email',
  'phone',
  'billingAddress',
  'shippingAddress',
  'partnerId',
  'ownerId',
  'segmentId',
  'priceListId',
  'creditLimit',
  'paymentTermsDays',
  'status',
  'currency',
  'createdAt',
  'updatedAt',
  'version',
]
  .map((c) => `"${c}"`)
  .join(',')
const app = new Koa()
app.use(async (ctx) => {
  const m = /^\/customers(?:\/(\d+))?$/.exec(ctx.path)
  if (!m) {
    ctx.status = 404
    return
  }
  if (m[1]) {
    const r = await pool.query(`select ${cols} from customers where id = $1`, [Number(m[1])])
    if (!r.rows[0]) ctx.status = 404
    else ctx.body = r.rows[0]
    return
  }
  const limit = Math.min(Number(ctx.query.limit ?? 25), 500)
  const skip = Number(ctx.query.skip ?? 0)
  const [rows, count] = await Promise.all([
    pool.query(`select ${cols} from customers order by id limit $1 offset $2`, [limit, skip]),
    pool.query('select count(*)::int as c from customers'),
  ])
  ctx.body = { total: count.rows[0].c, limit, skip, data: rows.rows }
})
app.listen(port, '127.0.0.1', () => process.send?.('ready'))
