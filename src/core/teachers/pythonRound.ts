/**
 * Python's `round(x, digits)` for a float: the exact binary value of `x` rounded to `digits` decimals, a tie
 * going to the even last digit (CPython rounds the exact value, so round(2.675, 2) is 2.67 and
 * round(0.125, 2) is 0.12). `Math.round(x * 10 ** digits) / 10 ** digits` differs from it on both counts.
 */
export function pythonRound(x: number, digits: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21 || !Number.isInteger(digits) || digits < 0 || digits > 20)
    throw new RangeError(`pythonRound: unsupported arguments (${x}, ${digits})`);
  // toFixed rounds the exact binary value too, but sends a tie away from zero.
  const away = x.toFixed(digits);
  if (!isTie(x, digits)) return Number(away);
  // On a tie the other candidate is one unit in the last place closer to zero; keep the even one.
  const lastDigit = Number(away.at(-1));
  if (lastDigit % 2 === 0) return Number(away);
  const unit = 10 ** -digits;
  return Number((Math.sign(x) * (Math.abs(Number(away)) - unit)).toFixed(digits));
}

/**
 * Whether `x` lies exactly half-way between two multiples of 10^-digits: x = (2n+1) / (2·10^digits) is a
 * binary fraction only when 5^digits divides 2n+1, i.e. when x·2^(digits+1) is an odd integer (a scaling by
 * a power of two, so exact in floating point).
 */
function isTie(x: number, digits: number): boolean {
  const scaled = x * 2 ** (digits + 1);
  return Number.isInteger(scaled) && Math.abs(scaled % 2) === 1;
}
