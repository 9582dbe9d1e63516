import { describe, expect, it } from 'vitest';
import { csvDatasetName, csvImportParser } from './csvImport';
import { memoryFiles } from './memoryFiles';
import { loadDatasetWith } from './registry';
import type { Dataset } from './types';

const CSV =
  'text,label,source\n' +
  'where is my card?,card_arrival,app\n' +
  '"it says ""pending"", why?",pending_transfer,web\n' +
  'card still not here,card_arrival,app\n' +
  ',card_arrival,app\n' +
  'lost it,,web\n' +
  'where is my card?,lost_card,app\n';

async function load(text: string, fileName = 'intents.csv'): Promise<Dataset> {
  return loadDatasetWith(csvImportParser(fileName), memoryFiles('/home/u', { [fileName]: text }));
}

describe('CSV importer', () => {
  it('makes every label a query over all texts, as Banking77 does', async () => {
    const dataset = await load(CSV);
    expect(dataset.name).toBe('intents');
    expect(dataset.task).toBe('classification');
    expect(dataset.documents).toEqual([
      { id: 'row-1', text: 'where is my card?' },
      { id: 'row-2', text: 'it says "pending", why?' },
      { id: 'row-3', text: 'card still not here' },
    ]);
    expect(dataset.queries.map((q) => [q.id, q.text])).toEqual([
      ['card_arrival', 'card arrival'],
      ['lost_card', 'lost card'],
      ['pending_transfer', 'pending transfer'],
    ]);
    for (const query of dataset.queries) expect([...query.candidates]).toEqual([0, 1, 2]);
    expect(dataset.queries.map((q) => [...q.labels])).toEqual([
      [1, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });

  it('notes skipped rows and merged repeated texts', async () => {
    expect((await load(CSV)).notes).toEqual([
      'intents.csv: skipped 2 row(s) with an empty text or label (data rows 4, 5)',
      'intents.csv: 1 row(s) repeat the text of an earlier row; each such text is one document, positive for ' +
        'every label it was given',
    ]);
    expect((await load('text,label\na,x\nb,y\n')).notes).toBeUndefined();
  });

  it('names a dataset after its file', () => {
    expect(csvDatasetName('intents.csv')).toBe('intents');
    expect(csvDatasetName('DATA.CSV')).toBe('DATA');
    expect(csvDatasetName('.csv')).toBe('.csv');
    expect(csvImportParser('x.csv').requiredFiles).toEqual(['x.csv']);
  });

  it('refuses a missing column, an empty file, a file without usable rows and malformed CSV', async () => {
    await expect(load('text,category\na,b\n')).rejects.toThrow(
      '/home/u/intents.csv lacks the column(s) label; its header is "text,category", expected at least "text,label"',
    );
    await expect(load('')).rejects.toThrow('/home/u/intents.csv is empty');
    await expect(load('text,label\n')).rejects.toThrow(
      '/home/u/intents.csv has no data row with both a text and a label',
    );
    await expect(load('text,label\n,x\n')).rejects.toThrow('has no data row with both a text and a label');
    await expect(load('text,label\n"open,x\n')).rejects.toThrow(
      '/home/u/intents.csv is not a valid CSV file',
    );
  });

  it('names the file when it is missing', async () => {
    await expect(loadDatasetWith(csvImportParser('nope.csv'), memoryFiles('/home/u', {}))).rejects.toThrow(
      /missing nope\.csv in \/home\/u\. Put the files there \(a CSV file whose header has the columns text and label/,
    );
  });
});
