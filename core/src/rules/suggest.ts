/**
 * "Did you mean …?" for names a rule gets wrong: the closest known name by edit distance
 * (Levenshtein), when it is close enough to be a typo.
 */

/** Levenshtein distance (insertions, deletions, substitutions), case-sensitive. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = row
  }
  return prev[b.length]!
}

/**
 * The known name closest to `name` (case-insensitively), if at most a third of its length (and at
 * least 2 edits) away; ties go to the first in `known`.
 * @example closestName('redem', ['redeem', 'find']) // 'redeem'
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3))
  let best: string | undefined
  let bestDistance = limit + 1
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase())
    if (d < bestDistance && k !== name) {
      best = k
      bestDistance = d
    }
  }
  return best
}

/** `; did you mean "redeem"?` — or nothing when no known name is close. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const c = closestName(name, known)
  return c === undefined ? '' : `; did you mean "${c}"?`
}
