import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { memoryFiles } from '../src/core/datasets/memoryFiles';
import { loadDataset } from '../src/core/datasets/registry';

test('a CSV of text,label opened from disk becomes a dataset', async ({ page }) => {
  const rows = ['text,label'];
  const topics = {
    weather: [
      'sunny skies today',
      'will it rain tomorrow',
      'heavy snow expected',
      'windy and cold outside',
      'the forecast says storms',
    ],
    cooking: [
      'how long to boil pasta',
      'recipe for tomato soup',
      'bake the bread at 200 degrees',
      'chop onions finely',
      'season the soup with salt',
    ],
    sports: [
      'the match ended in a draw',
      'she scored two goals',
      'the team won the league',
      'training starts at noon',
      'a new world record in the sprint',
    ],
  };
  for (const [label, texts] of Object.entries(topics)) for (const t of texts) rows.push(`${t},${label}`);
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
  await page
    .getByTestId('open-file')
    .setInputFiles({ name: 'topics.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
  await expect(page.getByTestId('dataset-select')).toHaveValue('local:topics');
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('query-row')).toHaveCount(3);

  // A file that is no dataset gets a clear message and the app keeps working.
  await page
    .getByTestId('open-file')
    .setInputFiles({ name: 'notes.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip') });
  await expect(page.getByTestId('dataset-error')).toContainText('not a readable zip');
  await expect(page.getByTestId('query-row')).toHaveCount(3);
});

/** The FollowIR fixture's Core17 subset as mteb's parquet repository (Core17InstructionRetrieval) writes it. */
function core17Parquet(): Record<string, Uint8Array> {
  const fixture = path.resolve(
    new URL('.', import.meta.url).pathname,
    '../src/core/datasets/fixtures/FollowIR/Core17',
  );
  const lines = (file: string) =>
    readFileSync(path.join(fixture, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, string | number>);
  const parquet = (rows: Record<string, unknown>[], columns: string[]) =>
    new Uint8Array(
      parquetWriteBuffer({
        columnData: columns.map((name) =>
          name === 'score'
            ? { name, data: rows.map((r) => Number(r[name])), type: 'DOUBLE' as const, nullable: false }
            : { name, data: rows.map((r) => String(r[name])), type: 'STRING' as const },
        ),
      }),
    );
  const versions = ['og', 'changed'];
  const queries = versions.flatMap((v) =>
    lines('queries.jsonl').map((t) => ({
      _id: `${t._id}-${v}`,
      text: t.text,
      instruction: t[`instruction_${v}`],
    })),
  );
  const qrels = versions.flatMap((v) =>
    lines(`qrels_${v}/test.jsonl`).map((r) => ({ ...r, 'query-id': `${r['query-id']}-${v}` })),
  );
  return {
    'corpus/test-00000-of-00001.parquet': parquet(lines('corpus.jsonl'), ['_id', 'title', 'text']),
    'queries/test-00000-of-00001.parquet': parquet(queries, ['_id', 'text', 'instruction']),
    'data/test-00000-of-00001.parquet': parquet(qrels, ['query-id', 'corpus-id', 'score']),
  };
}

test("a FollowIR subset's folder in mteb's parquet layout, picked, is recognised and runs", async ({
  page,
}) => {
  const files = core17Parquet();
  const expected = await loadDataset('FollowIR-Core17', memoryFiles('Core17', prefixed('Core17/', files)));
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'followir-')), 'Core17InstructionRetrieval');
  for (const [file, bytes] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), bytes);
  }
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
  await page.getByTestId('open-folder').setInputFiles(dir);
  await expect(page.getByTestId('dataset-select')).toHaveValue('local:FollowIR-Core17');
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('query-row')).toHaveCount(expected.queries.length);
  rmSync(path.dirname(dir), { recursive: true, force: true });
});

const prefixed = (prefix: string, files: Record<string, Uint8Array>) =>
  Object.fromEntries(Object.entries(files).map(([p, bytes]) => [prefix + p, bytes]));

test('a BEIR folder, picked, is named by its folder, not taken for NFCorpus (whose files it has)', async ({
  page,
}) => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'beir-')), 'mini-beir');
  const docs = ['rain and storms tomorrow', 'boil the pasta ten minutes', 'the team won the final'];
  const queries = ['weather forecast', 'cooking pasta'];
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  write('corpus.jsonl', docs.map((text, i) => JSON.stringify({ _id: `d${i}`, title: '', text })).join('\n'));
  write('queries.jsonl', queries.map((text, i) => JSON.stringify({ _id: `q${i}`, text })).join('\n'));
  write('qrels/test.tsv', 'query-id\tcorpus-id\tscore\nq0\td0\t1\nq1\td1\t1\n');
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
  await page.getByTestId('open-folder').setInputFiles(dir);
  await expect(page.getByTestId('dataset-select')).toHaveValue('local:mini-beir');
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('query-row')).toHaveCount(2);
  rmSync(path.dirname(dir), { recursive: true, force: true });
});
