/**
 * Python's text forms of values, as the reference's pandas `to_csv` writes them into a results CSV: floats as
 * `repr` (shortest round-trip digits, `1.0`, `1e-05`), booleans as `True`/`False`, None and NaN as an empty
 * cell, lists as their `repr` (`['all']`).
 */

export type PythonValue = string | number | boolean | null | readonly PythonValue[];

/** `repr(float(x))`: the shortest digits that read back, fixed notation for exponents -4..15, else `1e-05`. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // toExponential() without digits gives JavaScript's shortest round-trip digits, the same as Python's repr.
  const [mantissa, exponentText] = x.toExponential().split('e');
  const exponent = Number(exponentText);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exponent < -4 || exponent >= 16) {
    const rest = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const e = Math.abs(exponent).toString().padStart(2, '0');
    return `${sign}${digits[0]}${rest}e${exponent < 0 ? '-' : '+'}${e}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction || '0'}`;
}

/** `repr(s)` of a str: single quotes unless the text holds a single quote and no double quote. */
export function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const escaped = s.replace(
    /[\\\n\r\t]/g,
    (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!,
  );
  return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote;
}

/** `repr(value)` of a list element (numbers that are integers print as Python ints). */
function reprOf(value: PythonValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  if (typeof value === 'string') return pythonStrRepr(value);
  return `[${value.map(reprOf).join(', ')}]`;
}

/**
 * The cell pandas writes for a value of an object or numeric column: `str(value)`, with None and NaN empty.
 * `float` says the column is a float column (so 1 prints as `1.0`).
 */
export function pandasCell(value: PythonValue, float = false): string {
  if (value === null || (typeof value === 'number' && Number.isNaN(value))) return '';
  if (typeof value === 'number')
    return float || !Number.isInteger(value) ? pythonFloatRepr(value) : String(value);
  if (typeof value === 'string') return value;
  return reprOf(value);
}
