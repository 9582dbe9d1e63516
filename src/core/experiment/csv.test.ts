import { describe, expect, it } from 'vitest';
import { csvField, csvLine, float32Text } from './csv';
import { SeededRandom } from '../rng';

describe('csv', () => {
  it('quotes fields with commas, quotes and line breaks', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'two\nlines', 1.5, null, true])).toBe(
      'a,"b,c","say ""hi""","two\nlines",1.5,,true\n',
    );
    expect(csvField(NaN)).toBe('NaN');
  });

  it('prints float32 values with the fewest digits that read back exactly', () => {
    const rng = new SeededRandom(5);
    for (let i = 0; i < 2000; i++) {
      const v = Math.fround(rng.normal() * 10 ** (rng.int(12) - 6));
      const text = float32Text(v);
      expect(Math.fround(Number(text))).toBe(v);
      expect(text.replace(/^-|\.|e.*$/g, '').replace(/^0+/, '').length).toBeLessThanOrEqual(9);
    }
    expect(float32Text(Math.fround(0.1))).toBe('0.1');
    expect(float32Text(-0)).toBe('0');
  });
});
