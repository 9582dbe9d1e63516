/** 32-bit FNV-1a over `length` values read by `at` (each folded in whole, as the usual byte-wise form). */
function fnv1a(length: number, at: (i: number) => number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < length; i++) {
    h ^= at(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A 32-bit FNV-1a hash of a string's UTF-16 code units: for seeding and short stable keys, not security. */
export function hashString(text: string): number {
  return fnv1a(text.length, (i) => text.charCodeAt(i));
}

/** A 32-bit FNV-1a hash of a list of integers (document indices, ...), as `hashString` of their values. */
export function hashIntegers(values: ArrayLike<number>): number {
  return fnv1a(values.length, (i) => values[i]);
}
