import { describe, expect, it } from 'vitest';
import { SeededRandom } from './rng';

describe('SeededRandom', () => {
  it('continues its stream from a saved state, and skips draws without making them', () => {
    const a = new SeededRandom(11);
    for (let i = 0; i < 5; i++) a.next();
    const b = new SeededRandom(0);
    b.restoreState(a.saveState());
    expect(b.next()).toBe(a.next());
    const c = new SeededRandom(0);
    c.restoreState(a.saveState());
    for (let i = 0; i < 1000; i++) a.next();
    c.skip(1000);
    expect(c.next()).toBe(a.next());
    // A state stored as a signed 32-bit integer (shared memory) is read back as the same state.
    const d = new SeededRandom(0);
    d.restoreState(a.saveState() | 0);
    expect(d.next()).toBe(a.next());
  });
});
