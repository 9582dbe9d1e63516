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

const float64Bits = new Float64Array(1);
const wordsOfFloat64 = new Uint32Array(float64Bits.buffer);
/** Index of the high 32-bit word (sign, exponent) of a float64 on this machine. */
const HIGH = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 1 : 0;
const LOG10_2 = Math.log10(2);
/** 2^(i - POW2_BIAS): the float32 gaps of the fast path's range (binary exponents -20 to 16, less 23). */
const POW2_BIAS = 64;
const POW2 = Array.from({ length: 128 }, (_, i) => 2 ** (i - POW2_BIAS));

const FITS = 0;
const MISSES = 1;
/** The product lies too close to a rounding boundary (or out of range): the string way decides. */
const UNSURE = 2;
type Outcome = typeof FITS | typeof MISSES | typeof UNSURE;

const shorter: Shortest = { digits: 0, decimals: 0, value: 0 };

/**
 * The fast path for 1e-6 ≤ a < 1e5 (a = |float32|); false where the string way must decide. The answer is
 * the first p of 6, 7, 8, 9 whose text reads back, found in two tries for most scores instead of three or
 * four: p = 7 first, then 6 if 7 reads back, else 8, then 9. That skips p = 6 when 7 does not read back,
 * which is right because a text of more digits is at least as near `a` (toPrecision rounds to nearest),
 * and the texts that read back lie within half a float32 gap on either side; only a p = 7 text about half
 * a gap away (where the two sides' gaps differ, next to a power of two) leaves p = 6 open, and then it is tried.
 */
function shortestPositive(a: number, out: Shortest): boolean {
  float64Bits[0] = a;
  const binaryExponent = ((wordsOfFloat64[HIGH] >>> 20) & 0x7ff) - 1023;
  // floor(log10 a) from the binary exponent, settled so that 10^e ≤ a < 10^(e+1).
  let e = Math.floor(binaryExponent * LOG10_2);
  if (e < 0 ? a * POW10[-e] < 1 : a < POW10[e]) e--;
  else if (e + 1 < 0 ? a * POW10[-e - 1] >= 1 : a >= POW10[e + 1]) e++;
  const seven = digitsOf(a, e, 7, out);
  if (seven === UNSURE) return false;
  if (seven === MISSES) {
    // The float32 gap above a (the wider one): 2^(exponent - 23).
    if (Math.abs(out.value - a) < 0.500001 * POW2[binaryExponent - 23 + POW2_BIAS]) {
      const six = digitsOf(a, e, 6, shorter);
      if (six === UNSURE) return false;
      if (six === FITS) return copyShortest(shorter, out);
    }
    const eight = digitsOf(a, e, 8, out);
    if (eight !== MISSES) return eight === FITS;
    return digitsOf(a, e, 9, out) === FITS;
  }
  const six = digitsOf(a, e, 6, shorter);
  if (six === UNSURE) return false;
  if (six === FITS) copyShortest(shorter, out);
  return true;
}

/**
 * toPrecision(p)'s digits of a (10^e ≤ a < 10^(e+1)) into `out`, and whether they read back as a (p = 9
 * always does).
 */
function digitsOf(a: number, e: number, p: number, out: Shortest): Outcome {
  const k = p - 1 - e; // decimals of m·10^-k; 0 ≤ k ≤ 14 in this range
  if (k < 0 || k > 22) return UNSURE;
  const scaled = a * POW10[k];
  const m = Math.round(scaled);
  if (Math.abs(scaled - Math.floor(scaled) - 0.5) < HALF_GUARD) return UNSURE;
  if (m >= POW10[p] || m < POW10[p - 1]) return UNSURE;
  out.digits = m;
  out.decimals = k;
  out.value = m / POW10[k];
  return p === 9 || Math.fround(out.value) === a ? FITS : MISSES;
}

function copyShortest(from: Shortest, to: Shortest): true {
  to.digits = from.digits;
  to.decimals = from.decimals;
  to.value = from.value;
  return true;
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
