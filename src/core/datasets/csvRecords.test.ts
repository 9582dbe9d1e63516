import { describe, expect, it } from 'vitest';
import { parseCsvRecords } from './csvRecords';

describe('parseCsvRecords', () => {
  it('keeps quoted commas, doubled quotes and newlines, and skips blank lines', () => {
    const text = '\ufefftext,category\r\n"a, b",x\r\n"say ""hi""\nthen go",y\r\n\r\nplain,z\r\n';
    expect(parseCsvRecords(text, 'f.csv', ['text', 'category'])).toEqual([
      { text: 'a, b', category: 'x' },
      { text: 'say "hi"\nthen go', category: 'y' },
      { text: 'plain', category: 'z' },
    ]);
  });

  it('names the file and the missing columns', () => {
    expect(() => parseCsvRecords('text,label\na,b\n', 'data/f.csv', ['text', 'category'])).toThrow(
      /data\/f\.csv lacks the column\(s\) category; its header is "text,label"/,
    );
  });

  it('rejects a malformed file with the file name and row', () => {
    expect(() => parseCsvRecords('text,category\n"unclosed,x\n', 'f.csv', ['text'])).toThrow(
      /f\.csv is not a valid CSV file/,
    );
    expect(() => parseCsvRecords('a,b\n1,2,3\n', 'g.csv', ['a'])).toThrow(
      /g\.csv is not a valid CSV file: data row 1/,
    );
  });
});
