import { describe, expect, it } from 'vitest';
import { loadDatasetFromDir } from '../../cli/dataFolder';
import { referenceCandidates } from './referenceCandidates';
import type { Dataset } from './types';
import { readReferenceGolden, SHARED_DATA_DIR } from '../../testing/sharedFolder';

const GOLDEN = readReferenceGolden();
const FIXTURES = decodeURIComponent(new URL('./fixtures/', import.meta.url).pathname);

describe('referenceCandidates', () => {
  const dataset: Dataset = {
    name: 'dups',
    task: 'search',
    instruction: 'find',
    documents: [
      { id: 'a', text: 'x' },
      { id: 'b', text: 'y' },
      { id: 'c', text: 'x' },
      { id: 'd', text: 'z' },
    ],
    queries: [
      { id: 'q1', text: 'one', candidates: Int32Array.of(2, 0, 1, 3), labels: Float32Array.of(1, 0, 2, 0) },
      { id: 'q2', text: 'two', candidates: Int32Array.of(3, 1), labels: Float32Array.of(0, 1) },
    ],
    notes: ['parsed'],
  };

  it('keeps each text once per query, its first occurrence with its label, and makes labels binary', () => {
    const out = referenceCandidates(dataset);
    expect(out.documents).toEqual([
      { id: 'a', text: 'x' },
      { id: 'b', text: 'y' },
      { id: 'd', text: 'z' },
    ]);
    // q1: c (text x, label 1) comes first, so a (text x, label 0) is dropped; 2 becomes 1.
    expect(Array.from(out.queries[0].candidates)).toEqual([0, 1, 2]);
    expect(Array.from(out.queries[0].labels)).toEqual([1, 1, 0]);
    expect(Array.from(out.queries[1].candidates)).toEqual([2, 1]);
    expect(Array.from(out.queries[1].labels)).toEqual([0, 1]);
    expect(out.notes).toEqual([
      'parsed',
      "1 document repeats an earlier document's text and was merged into it (the first id is kept); 1 " +
        "repeated candidate was dropped from 1 query, keeping each text's first occurrence and its label, as " +
        'the reference does',
      'graded labels were made binary (relevant = label > 0), as the reference does: the metrics, the gold ' +
        'teacher and qrels.txt use 0/1',
    ]);
  });

  it('leaves a dataset of distinct texts and 0/1 labels as it is', () => {
    const plain: Dataset = {
      ...dataset,
      documents: dataset.documents.slice(0, 2),
      queries: [dataset.queries[1]],
    };
    plain.queries = [{ ...dataset.queries[1], candidates: Int32Array.of(1, 0) }];
    expect(referenceCandidates(plain)).toBe(plain);
  });
});

describe('candidates as the reference builds them, on the shared data', () => {
  it('NFCorpus: one candidate per distinct document text, as the reference (3,356 on this corpus)', async () => {
    const nf = await loadDatasetFromDir('NFCorpus', SHARED_DATA_DIR);
    // Computed from ../shared/data/NFCorpus with the reference's rule in plain Python: texts
    // (title + " " + text).strip() of the 3,395 corpus lines, 3,356 distinct; every query ranks all of them;
    // the first occurrence's label (qrels score > 0) is kept, 12,180 positives over the 323 queries.
    expect(nf.queries).toHaveLength(323);
    expect(nf.documents).toHaveLength(3356);
    for (const q of nf.queries) expect(q.candidates).toHaveLength(3356);
    let positives = 0;
    let notBinary = 0;
    for (const q of nf.queries)
      for (const label of q.labels) {
        if (label !== 0 && label !== 1) notBinary++;
        positives += label;
      }
    expect(notBinary).toBe(0);
    expect(positives).toBe(12180);
    expect(nf.notes?.some((n) => n.startsWith("39 documents repeat an earlier document's text"))).toBe(true);
  });

  it('every registered dataset has the reference’s task instruction and task type', async () => {
    const loads: Record<string, Promise<Dataset>> = {
      Clinc150: loadDatasetFromDir('Clinc150', SHARED_DATA_DIR),
      Banking77: loadDatasetFromDir('Banking77', SHARED_DATA_DIR),
      ArgKP21: loadDatasetFromDir('ArgKP21', SHARED_DATA_DIR),
      NFCorpus: loadDatasetFromDir('NFCorpus', SHARED_DATA_DIR),
      FollowIR: loadDatasetFromDir('FollowIR', FIXTURES),
      RealScholarQuery: loadDatasetFromDir('RealScholarQuery', FIXTURES),
    };
    expect(Object.keys(loads).sort()).toEqual(Object.keys(GOLDEN.instructions).sort());
    for (const [name, load] of Object.entries(loads)) {
      const dataset = await load;
      expect({ name, instruction: dataset.instruction, task_type: dataset.task }).toEqual({
        name,
        ...GOLDEN.instructions[name],
      });
    }
  });
});
