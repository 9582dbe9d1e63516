import { readFileSync } from 'node:fs';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { loadDatasetFromDir } from '../../cli/dataFolder';
import { FOLLOWIR_SUBSETS, type FollowIRSubset } from './followir';
import { memoryFiles } from './memoryFiles';
import { loadDataset } from './registry';

const FIXTURES = decodeURIComponent(new URL('./fixtures/', import.meta.url).pathname);

type Row = Record<string, unknown>;

function jsonLines(path: string): Row[] {
  return readFileSync(`${FIXTURES}FollowIR/${path}`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Row);
}

/** A parquet file of string columns (and `score` as float64), as `datasets.push_to_hub` writes them. */
function parquet(rows: Row[], columns: string[]): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: columns.map((name) =>
        name === 'score'
          ? { name, data: rows.map((r) => Number(r[name])), type: 'DOUBLE' as const, nullable: false }
          : { name, data: rows.map((r) => (r[name] ?? null) as string | null), type: 'STRING' as const },
      ),
    }),
  );
}

/**
 * How each fixture subset is written: Core17 as the mteb repositories (split `test`, an instruction config,
 * the corpus in two shards), Robust04 as jhu-clsp/robust04-instructions-mteb (splits named after the
 * configs; here the instructions in the queries' own column), News21 with `id` columns and `qrels/`.
 */
const VARIANTS: Record<
  FollowIRSubset,
  { split: 'test' | 'config'; instructionConfig: boolean; id: string; qrels: string; corpusShards: number }
> = {
  Core17: { split: 'test', instructionConfig: true, id: '_id', qrels: 'data', corpusShards: 2 },
  Robust04: { split: 'config', instructionConfig: false, id: '_id', qrels: 'data', corpusShards: 1 },
  News21: { split: 'test', instructionConfig: true, id: 'id', qrels: 'qrels', corpusShards: 1 },
};

/** The JSONL fixture of `subset` rewritten in the MTEB v2 parquet layout (one file per config split). */
function parquetSubset(subset: FollowIRSubset): Record<string, Uint8Array> {
  const v = VARIANTS[subset];
  const name = (config: string, i = 0, n = 1) =>
    `${subset}/${config}/${v.split === 'test' || config === 'data' ? 'test' : config}-${String(i).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.parquet`;
  const topics = jsonLines(`${subset}/queries.jsonl`);
  const versions = ['og', 'changed'] as const;
  const queries = versions.flatMap((version) =>
    topics.map((t) => ({
      [v.id]: `${String(t._id)}-${version}`,
      text: t.text,
      instruction: t[`instruction_${version}`],
    })),
  );
  const qrels = versions.flatMap((version) =>
    jsonLines(`${subset}/qrels_${version}/test.jsonl`).map((r) => ({
      ...r,
      'query-id': `${String(r['query-id'])}-${version}`,
    })),
  );
  const corpus = jsonLines(`${subset}/corpus.jsonl`).map((d) => ({
    [v.id]: d._id,
    title: d.title,
    text: d.text,
  }));
  const out: Record<string, Uint8Array> = {
    [name('queries')]: parquet(queries, v.instructionConfig ? [v.id, 'text'] : [v.id, 'text', 'instruction']),
    [name(v.qrels)]: parquet(qrels, ['query-id', 'corpus-id', 'score']),
  };
  if (v.instructionConfig)
    out[name('instruction')] = parquet(
      queries.map((q) => ({ 'query-id': q[v.id], instruction: q.instruction })),
      ['query-id', 'instruction'],
    );
  const perShard = Math.ceil(corpus.length / v.corpusShards);
  for (let i = 0; i < v.corpusShards; i++)
    out[name('corpus', i, v.corpusShards)] = parquet(corpus.slice(i * perShard, (i + 1) * perShard), [
      v.id,
      'title',
      'text',
    ]);
  return out;
}

const PARQUET = Object.assign({}, ...FOLLOWIR_SUBSETS.map(parquetSubset)) as Record<string, Uint8Array>;

describe('FollowIR in the MTEB v2 parquet layout', () => {
  it('gives the same dataset as the JSONL layout, for the three subsets together and each alone', async () => {
    for (const name of ['FollowIR', 'FollowIR-Core17', 'FollowIR-Robust04', 'FollowIR-News21']) {
      const fromJsonl = await loadDatasetFromDir(name, FIXTURES);
      const fromParquet = await loadDataset(name, memoryFiles('/mem/FollowIR', PARQUET));
      expect(fromParquet).toEqual(fromJsonl);
      expect(fromParquet.queries.length).toBeGreaterThan(0);
    }
    const both = await loadDataset('FollowIR', memoryFiles('/mem/FollowIR', PARQUET));
    const q = both.queries.find((query) => query.id === 'Core17/307-og');
    expect(q?.text).toBe(
      'New Hydroelectric Projects\nA relevant document names a hydroelectric project that is planned or under ' +
        'construction and says where it is.',
    );
    expect(both.documents.find((d) => d.id === 'Core17/1001')?.text).toBe(
      'Dam Planned on the Upper River\nOfficials approved a dam with a 400-megawatt turbine hall; it will cost ' +
        'about 2 billion dollars.',
    );
  });

  it('reads a subset in parquet beside subsets in JSONL', async () => {
    const mixed = memoryFiles('/mem/FollowIR', {
      ...parquetSubset('Core17'),
      ...Object.fromEntries(
        ['Robust04', 'News21'].flatMap((subset) =>
          ['corpus.jsonl', 'queries.jsonl', 'qrels_og/test.jsonl', 'qrels_changed/test.jsonl'].map((file) => [
            `${subset}/${file}`,
            readFileSync(`${FIXTURES}FollowIR/${subset}/${file}`, 'utf8'),
          ]),
        ),
      ),
    });
    expect(await loadDataset('FollowIR', mixed)).toEqual(await loadDatasetFromDir('FollowIR', FIXTURES));
  });

  it('names what is missing when a subset has neither layout, and rejects bad parquet', async () => {
    const noQrels = parquetSubset('Core17');
    delete noQrels['Core17/data/test-00000-of-00001.parquet'];
    await expect(loadDataset('FollowIR-Core17', memoryFiles('/mem/FollowIR', noQrels))).rejects.toThrow(
      /missing Core17\/corpus\.jsonl, .*Core17\/qrels_changed\/test\.jsonl in \/mem\/FollowIR.*Core17\/data\/test-00000-of-00001\.parquet/s,
    );
    const broken = {
      ...parquetSubset('Core17'),
      'Core17/data/test-00000-of-00001.parquet': new Uint8Array([1, 2, 3]),
    };
    await expect(loadDataset('FollowIR-Core17', memoryFiles('/mem/FollowIR', broken))).rejects.toThrow(
      /\/mem\/FollowIR\/Core17\/data\/test-00000-of-00001\.parquet is not a parquet file/,
    );
    const lostShard = { ...parquetSubset('Core17') };
    delete lostShard['Core17/corpus/test-00001-of-00002.parquet'];
    await expect(loadDataset('FollowIR-Core17', memoryFiles('/mem/FollowIR', lostShard))).rejects.toThrow(
      /the parquet shards Core17\/corpus\/test-00001-of-00002\.parquet are missing/,
    );
    const strangeQuery = {
      ...parquetSubset('Core17'),
      'Core17/data/test-00000-of-00001.parquet': parquet(
        [{ 'query-id': '999-og', 'corpus-id': '1001', score: 1 }],
        ['query-id', 'corpus-id', 'score'],
      ),
    };
    await expect(loadDataset('FollowIR-Core17', memoryFiles('/mem/FollowIR', strangeQuery))).rejects.toThrow(
      /row 1 names query-id "999-og", not a query of the queries config/,
    );
  });
});
