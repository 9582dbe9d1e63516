/**
 * Compares two strings by Unicode code points, the order of Python's `sorted` on `str`. JavaScript's default
 * string order compares UTF-16 code units, which differs for characters outside the Basic Multilingual Plane.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xd800–0xdfff) encode code points above 0xffff, so they sort after every other code unit.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * The positions of `items` in the order of Python's `sorted` on their texts (code points; equal texts keep
 * their order): the order the reference runs its queries in, `sorted(all_queries)`.
 */
export function positionsByText(items: readonly { text: string }[]): number[] {
  return items.map((_, i) => i).sort((a, b) => compareCodePoints(items[a].text, items[b].text) || a - b);
}
