import { describe, expect, it } from 'vitest';
import { buildDemoDataset } from '../../core/datasets/demo/demoParser';
import type { Dataset } from '../../core/datasets/types';
import { fillDocumentTexts } from './runDocumentTexts';

/** An opened run's dataset as its files give it: documents named by id only. */
function idsOnly(ids: string[]): Dataset {
  return {
    name: 'demo',
    task: 'search',
    instruction: '',
    documents: ids.map((id) => ({ id, text: id })),
    queries: [],
  };
}

describe('fillDocumentTexts', () => {
  const demo = buildDemoDataset();

  it("puts a built-in dataset's texts in place of the ids", async () => {
    const run = idsOnly([demo.documents[5].id, demo.documents[0].id]);
    expect(await fillDocumentTexts(run, { dataset_spec: 'demo' }, 'http://127.0.0.1')).toBeNull();
    expect(run.documents.map((d) => d.text)).toEqual([demo.documents[5].text, demo.documents[0].text]);
  });

  it('says which documents keep their ids, and why', async () => {
    const run = idsOnly([demo.documents[1].id, 'not-a-demo-document']);
    expect(await fillDocumentTexts(run, { dataset: 'demo' }, 'http://127.0.0.1')).toMatch(
      /^1 of 2 documents are not in demo/,
    );
    expect(run.documents[0].text).toBe(demo.documents[1].text);
    expect(run.documents[1].text).toBe('not-a-demo-document');
    expect(await fillDocumentTexts(idsOnly(['a']), { dataset: 'my-corpus' }, 'http://127.0.0.1')).toMatch(
      /shown by their ids \(its dataset "my-corpus" is not one this app reads\)/,
    );
  });
});
