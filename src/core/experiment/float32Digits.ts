/**
 * The shortest decimal of a float32 that reads back as the same float32 (`float32Text`), as ASCII bytes
 * written straight into a buffer. Raw-score files print 9 M of these per Clinc150 run; the string path
 * (`toPrecision` up to three times, a parse each, then `String`) allocated several strings per value and
 * was most of the time spent writing outputs.
 *
 * The fast path finds the same digits as `toPrecision(p)` for p = 6, 7, 8, 9 (the first p whose text reads
 * back), from the integer `m = round(|v| · 10^(p-1-e))`, and prints `m` with its decimal point placed and
 * trailing zeros dropped, which is what `String(Number(text))` prints: the float64 nearest to m·10^-k is
 * what parsing the text gives (IEEE division of two exact integers rounds once, like the parser), and no
 * shorter decimal maps to it. `toPrecision` rounds the exact value; `m` comes from a product rounded once,
 * off by at most 1e-7 for these magnitudes: when the product lies that close to a rounding boundary, and for
 * magnitudes outside [1e-6, 1e5) (exponent notation, or a scale that is not an exact power of ten), the
 * value goes the string way.
 */

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const MIN_FAST = 1e-6;
const MAX_FAST = 1e5;
/** Distance from a half-way point below which `Math.round` of the rounded product might not be toPrecision's. */
const HALF_GUARD = 1e-6;

/** `float32Text` by the string functions: the definition the fast path must reproduce. */
export function float32TextSlow(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : String(value);
  const f = Math.fround(value);
  for (let digits = 6; digits < 9; digits++) {
    const text = f.toPrecision(digits);
    if (Math.fround(Number(text)) === f) return String(Number(text));
  }
  return String(Number(f.toPrecision(9)));
}

/** Scratch for one fast-path result: the digits `m`, how many of them are decimals, and the value read back. */
interface Shortest {
  digits: number;
  decimals: number;
  value: number;
}

const scratch: Shortest = { digits: 0, decimals: 0, value: 0 };

/** The fast path for 1e-6 ≤ a < 1e5 (a = |float32|); false where the string way must decide. */
function shortestPositive(a: number, out: Shortest): boolean {
  let e = Math.floor(Math.log10(a));
  // log10 may be off by one next to a power of ten: settle e so that 10^e ≤ a < 10^(e+1).
  if (e < 0 ? a * POW10[-e] < 1 : a < POW10[e]) e--;
  else if (e + 1 < 0 ? a * POW10[-e - 1] >= 1 : a >= POW10[e + 1]) e++;
  for (let p = 6; p <= 9; p++) {
    const k = p - 1 - e; // decimals of m·10^-k; 0 ≤ k ≤ 14 in this range
    if (k < 0 || k > 22) return false;
    const scaled = a * POW10[k];
    const m = Math.round(scaled);
    if (Math.abs(scaled - Math.floor(scaled) - 0.5) < HALF_GUARD) return false;
    if (m >= POW10[p] || m < POW10[p - 1]) return false;
    const value = m / POW10[k];
    if (p === 9 || Math.fround(value) === a) {
      out.digits = m;
      out.decimals = k;
      out.value = value;
      return true;
    }
  }
  return false;
}

/** Decimal digits of a positive integer below 2^31. */
function digitCount(x: number): number {
  let length = 1;
  while (x >= POW10[length]) length++;
  return length;
}

/**
 * Writes the decimal text of digits·10^-decimals (digits < 2^31, trailing zeros dropped) at `at`; returns
 * the end. Integer arithmetic (`| 0`) throughout: the digits fit in 31 bits.
 */
function writeFixed(
  buffer: Uint8Array,
  at: number,
  negative: boolean,
  digits: number,
  decimals: number,
): number {
  while (decimals > 0 && digits % 10 === 0) {
    digits = (digits / 10) | 0;
    decimals--;
  }
  if (negative) buffer[at++] = 45; // '-'
  const length = digitCount(digits);
  if (decimals >= length) {
    // 0.000ddd
    buffer[at++] = 48;
    buffer[at++] = 46;
    for (let z = decimals - length; z > 0; z--) buffer[at++] = 48;
    const end = at + length;
    for (let i = end - 1, x = digits; i >= at; i--, x = (x / 10) | 0) buffer[i] = 48 + (x % 10);
    return end;
  }
  const end = at + length + (decimals > 0 ? 1 : 0);
  let i = end - 1;
  let x = digits;
  for (let d = 0; d < decimals; d++, x = (x / 10) | 0) buffer[i--] = 48 + (x % 10);
  if (decimals > 0) buffer[i--] = 46;
  for (; i >= at; i--, x = (x / 10) | 0) buffer[i] = 48 + (x % 10);
  return end;
}

/** Room one float32 text may take (the longest exponent-notation text is 15 characters). */
export const FLOAT32_TEXT_MAX_BYTES = 24;

/**
 * Writes `float32Text(value)` as ASCII at `buffer[at]` (room for `FLOAT32_TEXT_MAX_BYTES` is the caller's)
 * and returns the end. `lastFloat32Value()` then gives the number the text reads back as (float64).
 */
export function writeFloat32Text(buffer: Uint8Array, at: number, value: number): number {
  const f = Math.fround(value);
  const a = Math.abs(f);
  if (f === 0 || Number.isNaN(f)) {
    // -0 prints as "0", like String(-0).
    lastValue = Number.isNaN(f) ? NaN : 0;
    return writeAscii(buffer, at, Number.isNaN(f) ? 'NaN' : '0');
  }
  if (a >= MIN_FAST && a < MAX_FAST && shortestPositive(a, scratch)) {
    lastValue = f < 0 ? -scratch.value : scratch.value;
    return writeFixed(buffer, at, f < 0, scratch.digits, scratch.decimals);
  }
  const text = float32TextSlow(f);
  lastValue = Number(text);
  return writeAscii(buffer, at, text);
}

let lastValue = 0;

/** The value (as float64) of the text the last `writeFloat32Text` wrote. */
export function lastFloat32Value(): number {
  return lastValue;
}

/** Writes an ASCII string (every code unit < 128) at `at`; returns the end. */
export function writeAscii(buffer: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) buffer[at++] = text.charCodeAt(i);
  return at;
}

const TEXT_BUFFER = new Uint8Array(FLOAT32_TEXT_MAX_BYTES);
const LATIN1 = new TextDecoder('latin1');

/**
 * The shortest decimal text that reads back as the same float32: scores are float32, and printing them as
 * float64 (17 digits) would nearly double the size of raw-score files for no information.
 */
export function float32Text(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : String(value);
  return LATIN1.decode(TEXT_BUFFER.subarray(0, writeFloat32Text(TEXT_BUFFER, 0, value)));
}
