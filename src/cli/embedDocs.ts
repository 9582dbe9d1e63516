import { createEmbedder } from '../core/embedding/embedderFactory';
import { RemoteEmbedder } from '../core/embedding/remoteEmbedder';
import { TransformersEmbedder } from '../core/embedding/transformersEmbedder';
import { releaseEmbeddingModels } from '../core/embedding/transformersRuntime';
import { DATASET_ARG_OPTIONS, loadDatasetFromSource, resolveDatasetSource } from './dataFolder';
import { ensureDatasetFiles } from './downloadDataset';
import {
  describeRegisteredModels,
  EMBEDDING_ARG_OPTIONS,
  EMBEDDING_USAGE,
  isLsaModel,
  nodeEmbedderSettings,
  parseEmbeddingOptions,
} from './embeddingOptions';
import { ProgressBar } from './progressBar';
import { runCli } from './runCli';
import { parseCliArgs, rejectArguments } from './cliFlags';

export const EMBED_DOCS_USAGE = `Usage: npm run embed-docs -- --dataset NAME|beir:FOLDER|trec:FOLDER|csv:FILE --embedding-model MODEL [options]
       npm run embed-docs -- --list-models

Pre-computes the document embeddings of a dataset with a neural model and stores them in the embedding
cache (<embedding-cache-dir>/embeddings), so that experiments with the same model, revision, dtype, pooling and
templates embed no document again. Documents already in the cache are not embedded again; Ctrl-C keeps every
finished batch. Prints one JSON line with what was done.

  --dataset NAME             as for npm run experiment (required)
  --data-dir DIR             folder holding the dataset folders (default: $DATA_DIR, else ./data)
  --no-download              do not download a registered dataset missing from the data folder
  --max-documents N          cap the corpus as npm run experiment does ("all" for no cap)
  --queries                  embed the queries too (with the query template and the dataset's instruction)
  --list-models              print the model registry (pooling, templates, dtypes) and exit
  --server-url URL           remote:<model>: embed through this app server ("npm start"); without it the
                             upstream is called directly (EMBED_BASE_URL or BASE_URL, CACHE_DIR)
${EMBEDDING_USAGE}  -h, --help                 this text
`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseCliArgs(argv, {
    ...DATASET_ARG_OPTIONS,
    queries: { type: 'boolean', default: false },
    'list-models': { type: 'boolean', default: false },
    'server-url': { type: 'string' },
    ...EMBEDDING_ARG_OPTIONS,
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) return void process.stdout.write(EMBED_DOCS_USAGE);
  if (values['list-models']) return void process.stdout.write(describeRegisteredModels());
  rejectArguments(positionals);
  if (!values.dataset) throw new Error('--dataset is required (see --help)');
  const embedding = parseEmbeddingOptions(values);
  if (isLsaModel(embedding.model))
    throw new Error('--embedding-model: LSA is fitted on each corpus and not cached; give a neural model');
  if (!embedding.useCache)
    throw new Error('--no-embedding-cache makes embed-docs pointless: it stores the vectors');
  const maxText = values['max-documents'];
  const maxDocuments =
    maxText === undefined ? undefined : maxText.trim().toLowerCase() === 'all' ? Infinity : Number(maxText);
  if (
    maxDocuments !== undefined &&
    !(maxDocuments === Infinity || (Number.isInteger(maxDocuments) && maxDocuments > 0))
  )
    throw new Error(`--max-documents must be a positive integer or "all", got "${maxText}"`);

  // Fail on names, paths and model folders before loading anything.
  const download = !values['no-download'];
  const source = resolveDatasetSource(values.dataset, values['data-dir'], process.env, download);
  const serverUrl = values['server-url']?.trim().replace(/\/+$/, '') || undefined;
  nodeEmbedderSettings(embedding, { serverUrl });

  const progress = new ProgressBar();
  const controller = new AbortController();
  process.once('SIGINT', () => {
    progress.finish();
    process.stderr.write('Cancelling ... (finished batches stay cached)\n');
    controller.abort(new Error('Cancelled by the user (Ctrl-C); finished batches are cached.'));
  });
  if (source.spec.kind === 'named' && source.dataDir !== undefined)
    await ensureDatasetFiles(source.parser, source.dataDir, { download, signal: controller.signal });
  const dataset = await loadDatasetFromSource(source, { maxDocuments });
  process.stderr.write(
    `Dataset ${dataset.name}: ${dataset.documents.length} documents, ${dataset.queries.length} queries\n`,
  );

  const { name, settings } = nodeEmbedderSettings(embedding, {
    serverUrl,
    instruction: dataset.instruction,
    onLoadProgress: (e) => progress.update(e),
    onNote: (note) => process.stderr.write(`\nnote: ${note}\n`),
  });
  const embedder = createEmbedder(name, 0, settings); // the seed is LSA's; neural models have none
  if (!(embedder instanceof TransformersEmbedder || embedder instanceof RemoteEmbedder))
    throw new Error(`${name} is not a neural model`);
  const remote = embedder instanceof RemoteEmbedder;
  const device = remote ? `the embeddings server (${embedder.via})` : embedder.device;
  const templates = remote ? embedder.templates : embedder.spec.templates;
  const cacheLocation = settings.cache?.location ?? (remote ? 'the server’s (CACHE_DIR)' : undefined);
  process.stderr.write(
    `Model ${embedder.id} on ${device}\n  document template ${JSON.stringify(templates.document)}\n` +
      `  query template    ${JSON.stringify(templates.query)}\n  cache ${cacheLocation}\n`,
  );
  const started = performance.now();
  const options = {
    signal: controller.signal,
    onProgress: (e: { done: number; total: number }) => progress.update({ ...e, stage: 'embed documents' }),
  };
  await embedder.embedDocuments(
    dataset.documents.map((d) => d.text),
    options,
  );
  progress.finish();
  const documents = embedder.lastRun;
  let queries: typeof documents | undefined;
  if (values.queries) {
    await embedder.embedQueries(
      dataset.queries.map((q) => q.text),
      { signal: controller.signal, onProgress: (e) => progress.update({ ...e, stage: 'embed queries' }) },
    );
    progress.finish();
    queries = embedder.lastRun;
  }
  const seconds = (performance.now() - started) / 1000;
  await releaseEmbeddingModels();
  process.stdout.write(
    JSON.stringify({
      dataset: dataset.name,
      embedding_model: embedder.id,
      device,
      dims: embedder.dims,
      max_length: remote ? null : (embedder.maxLength ?? null),
      cache: cacheLocation,
      documents,
      queries: queries ?? null,
      notes: remote ? [] : embedder.notes,
      seconds: Math.round(seconds * 10) / 10,
    }) + '\n',
  );
}

await runCli(() => main(process.argv.slice(2)));
