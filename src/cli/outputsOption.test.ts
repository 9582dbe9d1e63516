import { describe, expect, it } from 'vitest';
import { outputKinds, parseOutputsOption } from './outputsOption';

describe('--outputs', () => {
  it('selects the large files to write', () => {
    expect(parseOutputsOption('all')).toEqual({ csv: true, parquet: true, trec: true });
    expect(parseOutputsOption('parquet, trec')).toEqual({ csv: false, parquet: true, trec: true });
    expect(parseOutputsOption('none')).toEqual({ csv: false, parquet: false, trec: false });
    expect(outputKinds(parseOutputsOption('trec,csv'))).toEqual(['csv', 'trec']);
  });

  it('refuses unknown names with the list of known ones', () => {
    expect(() => parseOutputsOption('csv,xlsx')).toThrow('csv, parquet, trec');
    expect(() => parseOutputsOption('')).toThrow('--outputs');
    expect(() => parseOutputsOption('none,csv')).toThrow('cannot be combined');
  });
});
