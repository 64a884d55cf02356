/**
 * Finds where a JSON text first goes wrong, so a parse error can name a line and column
 * (Node's `JSON.parse` message does not always carry a position). Only called after
 * `JSON.parse` has failed; it checks syntax, it does not build values.
 */

export interface JsonSyntaxProblem {
  line: number
  column: number
  reason: string
}

class Scanner {
  pos = 0
  constructor(readonly text: string) {}

  fail(reason?: string): never {
    const ch = this.text[this.pos]
    throw new SyntaxProblem(
      this.pos,
      reason ?? (ch === undefined ? 'unexpected end of file' : `unexpected ${JSON.stringify(ch)}`),
    )
  }

  ws(): void {
    while (/[ \t\n\r]/.test(this.text[this.pos] ?? '')) this.pos++
  }

  expect(ch: string): void {
    if (this.text[this.pos] !== ch)
      this.fail(
        this.text[this.pos] === undefined
          ? undefined
          : `expected ${JSON.stringify(ch)}, found ${JSON.stringify(this.text[this.pos])}`,
      )
    this.pos++
  }

  value(): void {
    this.ws()
    const ch = this.text[this.pos]
    if (ch === '{') return this.object()
    if (ch === '[') return this.array()
    if (ch === '"') return this.string()
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length
        return
      }
    }
    const number = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y
    number.lastIndex = this.pos
    if (ch !== undefined && /[-0-9]/.test(ch) && number.test(this.text)) {
      this.pos = number.lastIndex
      return
    }
    this.fail()
  }

  object(): void {
    this.expect('{')
    this.ws()
    if (this.text[this.pos] === '}') {
      this.pos++
      return
    }
    for (;;) {
      this.ws()
      if (this.text[this.pos] !== '"') this.fail(this.text[this.pos] === '}' ? 'trailing comma' : undefined)
      this.string()
      this.ws()
      this.expect(':')
      this.value()
      this.ws()
      if (this.text[this.pos] === ',') {
        this.pos++
        continue
      }
      this.expect('}')
      return
    }
  }

  array(): void {
    this.expect('[')
    this.ws()
    if (this.text[this.pos] === ']') {
      this.pos++
      return
    }
    for (;;) {
      this.ws()
      if (this.text[this.pos] === ']') this.fail('trailing comma')
      this.value()
      this.ws()
      if (this.text[this.pos] === ',') {
        this.pos++
        continue
      }
      this.expect(']')
      return
    }
  }

  string(): void {
    this.expect('"')
    for (;;) {
      const ch = this.text[this.pos]
      if (ch === undefined) this.fail('unterminated string')
      if (ch === '"') {
        this.pos++
        return
      }
      if (ch < ' ') this.fail('control character in string')
      if (ch === '\\') {
        const esc = this.text[this.pos + 1] ?? ''
        if (esc === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6)))
            this.fail('bad \\u escape')
          this.pos += 6
          continue
        }
        if (!'"\\/bfnrt'.includes(esc) || esc === '') this.fail('bad escape')
        this.pos += 2
        continue
      }
      this.pos++
    }
  }
}

class SyntaxProblem extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason)
  }
}

/**
 * Locate the first syntax error, or `undefined` if the text is valid JSON.
 * @example locateJsonError('{\n  "a": }') // { line: 2, column: 8, reason: 'unexpected "}"' }
 */
export function locateJsonError(text: string): JsonSyntaxProblem | undefined {
  const s = new Scanner(text.startsWith('\uFEFF') ? text.slice(1) : text)
  try {
    s.value()
    s.ws()
    if (s.pos < s.text.length) s.fail('unexpected text after the JSON value')
    return undefined
  } catch (err) {
    if (!(err instanceof SyntaxProblem)) throw err
    const before = s.text.slice(0, err.offset).split('\n')
    return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1, reason: err.reason }
  }
}
