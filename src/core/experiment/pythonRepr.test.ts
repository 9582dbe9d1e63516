import { describe, expect, it } from 'vitest';
import { pandasCell, pythonFloatRepr, pythonStrRepr } from './pythonRepr';
import { referenceSlug } from './referenceSlug';

// Expected texts are Python 3.11's own (repr, and the reference's slugify run on the same inputs).
describe('Python text forms', () => {
  it('prints floats as repr does', () => {
    const cases: [number, string][] = [
      [1e-4, '0.0001'],
      [1e-5, '1e-05'],
      [1, '1.0'],
      [0.1 + 0.2, '0.30000000000000004'],
      [1e16, '1e+16'],
      [1e15, '1000000000000000.0'],
      [123456789012345.6, '123456789012345.6'],
      [1.5e300, '1.5e+300'],
      [-2.5e-7, '-2.5e-07'],
      [5e-324, '5e-324'],
      [100, '100.0'],
      [2 ** 53, '9007199254740992.0'],
      [NaN, 'nan'],
    ];
    for (const [x, text] of cases) expect(pythonFloatRepr(x), String(x)).toBe(text);
  });

  it('writes cells as pandas to_csv does', () => {
    expect(pandasCell(true)).toBe('True');
    expect(pandasCell(null)).toBe('');
    expect(pandasCell(NaN, true)).toBe('');
    expect(pandasCell(42)).toBe('42');
    expect(pandasCell(1, true)).toBe('1.0');
    expect(pandasCell(['optimized', "it's"])).toBe(`['optimized', "it's"]`);
    expect(pythonStrRepr('a\\b\n')).toBe(`'a\\\\b\\n'`);
  });

  it('slugifies topics as the reference does', () => {
    expect(referenceSlug('Renting a car: what do I need?')).toBe('Renting_a_car__what_do_I_need');
    expect(referenceSlug('Café — ½ price?')).toBe('Café___½_price');
    expect(referenceSlug('  __x.y-z__ ')).toBe('x.y-z');
    expect(referenceSlug('Ⅻ² 日本語テキスト!')).toBe('Ⅻ²_日本語テキスト');
    expect(referenceSlug('a'.repeat(130) + '?')).toBe('a'.repeat(128));
  });
});
