/**
 * Derived measures: `+ - * /`, parentheses, numbers and the names of other measures, e.g.
 * `(revenue - cost) * 100 / revenue`. Parsed into a tree, so nothing but these reaches SQL.
 */

export type FormulaNode =
  | { kind: 'num'; value: string }
  | { kind: 'ref'; name: string }
  | { kind: 'neg'; arg: FormulaNode }
  | { kind: 'op'; op: '+' | '-' | '*' | '/'; left: FormulaNode; right: FormulaNode }

export class FormulaError extends Error {}

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z][A-Za-z0-9_]*)|([-+*/()]))/y

function tokenize(text: string): string[] {
  if (text.length > 500) throw new FormulaError('is longer than 500 characters')
  const out: string[] = []
  TOKEN.lastIndex = 0
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break
    const at = TOKEN.lastIndex
    const m = TOKEN.exec(text)
    if (!m) throw new FormulaError(`unexpected "${text.slice(at).trim().slice(0, 10)}"`)
    out.push(m[1] ?? m[2] ?? m[3]!)
  }
  return out
}

/**
 * Parses a formula.
 * @example parseFormula('revenue - cost') // { kind: 'op', op: '-', left: ref revenue, right: ref cost }
 */
export function parseFormula(text: string): FormulaNode {
  const tokens = tokenize(text)
  let i = 0
  const peek = () => tokens[i]
  const expr = (): FormulaNode => {
    let left = term()
    while (peek() === '+' || peek() === '-') {
      const op = tokens[i++] as '+' | '-'
      left = { kind: 'op', op, left, right: term() }
    }
    return left
  }
  const term = (): FormulaNode => {
    let left = factor()
    while (peek() === '*' || peek() === '/') {
      const op = tokens[i++] as '*' | '/'
      left = { kind: 'op', op, left, right: factor() }
    }
    return left
  }
  const factor = (): FormulaNode => {
    const t = tokens[i++]
    if (t === undefined) throw new FormulaError('ends too early')
    if (t === '-') return { kind: 'neg', arg: factor() }
    if (t === '(') {
      const inner = expr()
      if (tokens[i++] !== ')') throw new FormulaError('has an unclosed "("')
      return inner
    }
    if (/^\d/.test(t)) return { kind: 'num', value: t }
    if (/^[A-Za-z]/.test(t)) return { kind: 'ref', name: t }
    throw new FormulaError(`unexpected "${t}"`)
  }
  const node = expr()
  if (i < tokens.length) throw new FormulaError(`unexpected "${tokens[i]}"`)
  return node
}

/** Names of the measures a formula reads. */
export function formulaRefs(node: FormulaNode, out = new Set<string>()): Set<string> {
  if (node.kind === 'ref') out.add(node.name)
  else if (node.kind === 'neg') formulaRefs(node.arg, out)
  else if (node.kind === 'op') {
    formulaRefs(node.left, out)
    formulaRefs(node.right, out)
  }
  return out
}

/** SQL for a formula; `sqlOf` gives each referenced measure's (already safe) SQL. Division by zero gives null. */
export function formulaSql(node: FormulaNode, sqlOf: (name: string) => string): string {
  switch (node.kind) {
    case 'num':
      return `${node.value}::numeric`
    case 'ref':
      return `(${sqlOf(node.name)})::numeric`
    case 'neg':
      return `(-${formulaSql(node.arg, sqlOf)})`
    case 'op': {
      const l = formulaSql(node.left, sqlOf)
      const r = formulaSql(node.right, sqlOf)
      return node.op === '/' ? `(${l} / nullif(${r}, 0))` : `(${l} ${node.op} ${r})`
    }
  }
}
