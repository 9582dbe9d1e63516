import path from 'node:path';
import { initBackend } from '../core/compute/backend';
import { createEmbedder } from '../core/embedding/embedderFactory';
import { summarize } from '../core/experiment/outputs';
import { runExperiment } from '../core/experiment/pipeline';
import { createTeacher } from '../core/teachers/teacherFactory';
import { loadDatasetFromSource, resolveDatasetSource } from './dataFolder';
import { EXPERIMENT_USAGE, parseExperimentOptions } from './experimentOptions';
import { ProgressBar } from './progressBar';
import { quietTfjsNodeHint } from './quietTfjs';
import { runCli } from './runCli';
import { writeExperiment, writeSummary } from './writeExperiment';
import { packageVersions } from './versions';

/** `npm run experiment`: the reference's single-experiment runner (see --help). */
async function main(argv: string[]): Promise<void> {
  const options = parseExperimentOptions(argv);
  if (options === 'help') {
    process.stdout.write(EXPERIMENT_USAGE);
    return;
  }
  // Fail on names and paths before loading anything.
  const source = resolveDatasetSource(options.dataset, options.dataDir);
  const embedder = createEmbedder(options.embeddingModel, options.method.randomSeed);
  const teacher = createTeacher(options.teacher, {
    noise: options.teacherNoise,
    seed: options.method.randomSeed,
  });

  const started = performance.now();
  const progress = new ProgressBar();
  const controller = new AbortController();
  process.once('SIGINT', () => {
    progress.finish();
    process.stderr.write('Cancelling ...\n');
    controller.abort(new Error('Cancelled by the user (Ctrl-C); nothing was written.'));
  });

  quietTfjsNodeHint();
  const backend = await initBackend(options.backend);
  process.stderr.write(`Backend: ${backend.name} (${backend.adapter})\n`);

  const loadStart = performance.now();
  const dataset = await loadDatasetFromSource(source, {
    seed: options.method.randomSeed,
    maxDocuments: options.maxDocuments,
  });
  const loadMs = Math.round(performance.now() - loadStart);
  process.stderr.write(
    `Dataset ${dataset.name}: ${dataset.queries.length} queries, ${dataset.documents.length} documents, ` +
      `${dataset.queries.reduce((n, q) => n + q.candidates.length, 0)} candidate pairs (${loadMs} ms)\n`,
  );
  for (const note of dataset.notes ?? []) process.stderr.write(`  note: ${note}\n`);
  const maxDocuments = options.maxDocuments ?? source.parser.defaultMaxDocuments ?? Infinity;

  const method = options.saveTensors ? options.method : { ...options.method, recordEvery: 0 };
  const result = await runExperiment(
    { dataset, embedder, teacher, method },
    { signal: controller.signal, onProgress: (e) => progress.update(e) },
  );
  progress.finish();
  result.timings.load_dataset = loadMs;

  const dir = path.resolve(options.outputDir, options.experimentName);
  const writeStart = performance.now();
  const summary = summarize(result, options.experimentName, options.method.randomSeed);
  const config = {
    experiment_name: options.experimentName,
    dataset: dataset.name,
    dataset_spec: options.dataset,
    data_dir: source.dataDir ?? null,
    dataset_location: source.location,
    max_documents: Number.isFinite(maxDocuments) ? maxDocuments : null,
    dataset_notes: dataset.notes ?? [],
    embedding_model: embedder.id,
    teacher: teacher.id,
    teacher_noise: options.teacher === 'noisy-gold' ? options.teacherNoise : null,
    computation_types: result.types,
    lr: options.method.lr,
    num_steps: options.method.numSteps,
    total_scores: options.method.totalScores,
    scores_from_top: options.method.scoresFromTop,
    random_seed: options.method.randomSeed,
    refit: options.method.refit,
    record_every: options.method.recordEvery,
    save_tensors: options.saveTensors,
    save_embeddings: options.saveEmbeddings,
    output_dir: path.resolve(options.outputDir),
    backend: backend.name,
    backend_adapter: backend.adapter,
    embedding_dims: embedder.dims,
    task_instruction: dataset.instruction,
    versions: packageVersions(),
    timestamp: new Date().toISOString(),
  };
  const configColumns = {
    dataset: config.dataset,
    embedding_model: config.embedding_model,
    teacher: config.teacher,
    teacher_noise: config.teacher_noise,
    lr: config.lr,
    num_steps: config.num_steps,
    total_scores: config.total_scores,
    scores_from_top: config.scores_from_top,
    random_seed: config.random_seed,
    refit: config.refit,
    backend: config.backend,
  };
  await writeExperiment(result, {
    dir,
    config,
    configColumns,
    summary,
    saveTensors: options.saveTensors,
    saveEmbeddings: options.saveEmbeddings,
  });
  summary.timings_ms.write_outputs = Math.round(performance.now() - writeStart);
  summary.timings_ms.total = Math.round(performance.now() - started);
  // Re-written with the final timings (writing the large CSVs is part of the run's cost).
  await writeSummary(dir, summary);

  printHeadline(summary);
  process.stdout.write(`Results in ${dir}\n`);
}

function printHeadline(summary: ReturnType<typeof summarize>): void {
  const rows = Object.entries(summary.types).map(([type, s]) => {
    const delta = s.vs_original
      ? ` (Δ ${fmt(s.vs_original.map.mean_delta, true)}, p=${s.vs_original.map.p_randomization.toPrecision(2)})`
      : '';
    return `  ${type.padEnd(12)} MAP ${fmt(s.mean.map)}  nDCG@10 ${fmt(s.mean.ndcg_at_10)}  AUC ${fmt(s.mean.roc_auc)}${delta}`;
  });
  process.stdout.write(
    `${summary.dataset}, ${summary.queries} queries, ${(summary.timings_ms.total / 1000).toFixed(1)} s:\n${rows.join('\n')}\n`,
  );
}

function fmt(x: number, signed = false): string {
  return (signed && x >= 0 ? '+' : '') + x.toFixed(4);
}

await runCli(() => main(process.argv.slice(2)));
