import { describe, expect, it } from 'vitest';
import { PickleWriter } from './pickleWriter';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

// Expected bytes: CPython 3.11's pickle.dumps(value, 2) of the same values.
describe('PickleWriter', () => {
  it("writes CPython's bytes for lists, ints, strings and tuples", () => {
    expect(hex(new PickleWriter().intList([5]).finish())).toBe('80025d71004b05612e');
    const long = hex(new PickleWriter().intList(Array.from({ length: 1001 }, (_, i) => i)).finish());
    // ... 999, APPENDS, then a batch of one: MARK 1000 APPENDS, STOP
    expect(long.slice(-20)).toBe('4de70365284de803652e');
    const tuple = new PickleWriter().int(70000).int(300).str('é').endTuple(3).finish();
    expect(hex(tuple)).toBe('80024a701101004d2c015802000000c3a971008771012e');
  });

  it('refuses integers a 4-byte BININT cannot hold', () => {
    expect(() => new PickleWriter().int(2 ** 31)).toThrow(/not a 32-bit integer/);
  });
});
