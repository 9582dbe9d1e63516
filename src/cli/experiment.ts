import { freemem, totalmem } from 'node:os';
import path from 'node:path';
import { initBackend, type WebGpuAdapterDescription } from '../core/compute/backend';
import {
  BYTES_PER_CANDIDATE_PAIR,
  gigabytes,
  tooManyCandidatePairs,
  CandidatePairLimitError,
} from '../core/datasets/candidatePairMemory';
import { createEmbedder } from '../core/embedding/embedderFactory';
import { releaseEmbeddingModels } from '../core/embedding/transformersRuntime';
import { summarize } from '../core/experiment/outputs';
import { runExperiment } from '../core/experiment/pipeline';
import { releaseCrossEncoders } from '../core/teachers/crossEncoderModel';
import { LlmHydeWriter } from '../core/teachers/llmHyde';
import { createTeacher } from '../core/teachers/teacherFactory';
import { llmTeacherModel } from '../core/teachers/teacherNames';
import { nodeTeacherSettings } from './crossEncoderOptions';
import { loadDatasetFromSource, resolveDatasetSource } from './dataFolder';
import { ensureDatasetFiles } from './downloadDataset';
import { nodeEmbedderSettings } from './embeddingOptions';
import { cliRunConfig } from './experimentConfig';
import { EXPERIMENT_USAGE, parseExperimentOptions } from './experimentOptions';
import { enableNodeWebGpu } from './nodeWebGpu';
import { outputKinds } from './outputsOption';
import { parallelLsaFor } from './parallelLsa';
import { ProgressBar } from './progressBar';
import { quietTfjsNodeHint } from './quietTfjs';
import { RunFileWorkerPool } from './runFileWorkers';
import { runCli } from './runCli';
import { commitRunFolder, discardStaging, openStaging, planRunFolder } from './runFolder';
import { writeExperiment, writeSummary, writeTablesDuringRun } from './writeExperiment';

/** `npm run experiment`: the reference's single-experiment runner (see --help). */
async function main(argv: string[]): Promise<void> {
  const options = parseExperimentOptions(argv);
  if (options === 'help') {
    process.stdout.write(EXPERIMENT_USAGE);
    return;
  }
  // Fail on names and paths before loading anything; the output folder is checked before any work (which
  // may be paid LLM calls) starts.
  const runFolder = planRunFolder(options.outputDir, options.experimentName, options.overwrite);
  const source = resolveDatasetSource(options.dataset, options.dataDir, process.env, options.download);
  // The embedding model (a name, Hub id or folder) is checked now; it is created with the dataset's instruction below.
  const early = nodeEmbedderSettings(options.embedding, { serverUrl: options.serverUrl });
  createEmbedder(early.name, options.method.randomSeed, early.settings);
  // LSA fits on two threads; the helper thread starts now, while the dataset loads.
  const lsaParallelism = parallelLsaFor(early.name);
  // LLM teachers and HyDE go through the teacher proxy (--server-url) or call the upstream directly.
  const llmModels = [llmTeacherModel(options.teacher), options.hydeModel].filter((m): m is string => !!m);
  // The LLM client and the latency report load only for runs that use them: the `openai` package alone
  // is a quarter of a second of every run's startup.
  const llm = llmModels.length ? (await import('./llmConnection')).connectLlm(options.serverUrl) : undefined;
  await llm?.check(llmModels);
  // A cross-encoder's folder is checked now; a Hub model downloads when the teacher first scores.
  const teacherSetup = nodeTeacherSettings(options.teacher, {
    cacheDir: options.embedding.cacheDir,
    onLoadProgress: (e) => progress.update(e),
    onNote: (note) => process.stderr.write(`\nnote: ${note}\n`),
  });
  const teacher = createTeacher(teacherSetup.name, {
    noise: options.teacherNoise,
    seed: options.method.randomSeed,
    llm: llm?.service,
    mode: options.teacherMode,
    thinking: options.thinking,
    crossEncoder: teacherSetup.crossEncoder,
  });
  if (teacherSetup.crossEncoder) process.stderr.write(`Teacher: ${teacher.id} (on the CPU)\n`);
  const hyde =
    options.hydeModel && llm
      ? new LlmHydeWriter(llm.service, { model: options.hydeModel, thinking: options.thinking })
      : undefined;

  const started = performance.now();
  const progress = new ProgressBar();
  const controller = new AbortController();
  // Until the run folder is in place, stopping leaves nothing under its name (see runFolder.ts).
  let cancelledAt: number | undefined;
  // Set while the complete run is renamed into place (milliseconds): a signal then lets it finish, and
  // "Results in" says where it is; stopping half-way could leave an --overwrite's old run under a hidden name.
  let committing = false;
  const cancel = (signal: NodeJS.Signals) => {
    if (committing) {
      process.stderr.write(`${signal}: the run is complete and being moved into place; it finishes now\n`);
      return;
    }
    if (cancelledAt !== undefined) {
      // One Ctrl-C can arrive twice (the terminal signals tsx and this process, and tsx relays it); a
      // later one stops at once.
      if (performance.now() - cancelledAt < 1000) return;
      process.stderr.write(
        `Stopped at once: this run wrote nothing to ${runFolder.final}; its partial files may remain in a ` +
          `hidden .${path.basename(runFolder.final)}.partial-* folder beside it\n`,
      );
      process.exit(130);
    }
    cancelledAt = performance.now();
    progress.finish();
    process.stderr.write('Cancelling ...\n');
    controller.abort(
      new Error(
        `Cancelled (${signal === 'SIGINT' ? 'Ctrl-C' : signal}); nothing was written to ${runFolder.final}`,
      ),
    );
  };
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);

  // A registered dataset missing from the data folder is downloaded first (unless --no-download).
  if (source.spec.kind === 'named' && source.dataDir !== undefined) {
    await ensureDatasetFiles(source.parser, source.dataDir, {
      download: options.download,
      signal: controller.signal,
    });
  }

  quietTfjsNodeHint();
  // `--backend webgpu` in Node runs on Dawn (nodeWebGpu.ts), which must load before tfjs's WebGPU backend.
  let webgpuAdapter: WebGpuAdapterDescription | undefined;
  if (options.backend === 'webgpu') {
    const dawn = await enableNodeWebGpu();
    if (!dawn.adapter) throw new Error(`--backend webgpu: ${dawn.reason}`);
    webgpuAdapter = dawn.adapter;
  }
  const backend = await initBackend(options.backend, webgpuAdapter);
  process.stderr.write(`Backend: ${backend.name} (${backend.adapter})\n`);

  const loadStart = performance.now();
  const dataset = await loadDatasetFromSource(source, {
    maxDocuments: options.maxDocuments,
    memoryBytes: totalmem(),
  }).catch((error: unknown) => {
    if (error instanceof CandidatePairLimitError && error.capHelps)
      throw new Error(`${error.message}: --max-documents N`, { cause: error });
    throw error;
  });
  const loadMs = Math.round(performance.now() - loadStart);
  const pairs = dataset.queries.reduce((n, q) => n + q.candidates.length, 0);
  process.stderr.write(
    `Dataset ${dataset.name}: ${dataset.queries.length} queries, ${dataset.documents.length} documents, ` +
      `${pairs} candidate pairs, about ${gigabytes(pairs * BYTES_PER_CANDIDATE_PAIR)} in memory (${loadMs} ms)\n`,
  );
  checkCandidatePairs(dataset.name, pairs);
  for (const note of dataset.notes ?? []) process.stderr.write(`  note: ${note}\n`);
  const maxDocuments = options.maxDocuments ?? source.parser.defaultMaxDocuments ?? Infinity;
  const neural = nodeEmbedderSettings(options.embedding, {
    serverUrl: options.serverUrl,
    instruction: dataset.instruction,
    onLoadProgress: (e) => progress.update(e),
    onNote: (note) => process.stderr.write(`\nnote: ${note}\n`),
  });
  const embedder = createEmbedder(neural.name, options.method.randomSeed, {
    ...neural.settings,
    lsaParallelism,
  });

  // The workers that will write the large files start now, while the run keeps one core busy fitting and
  // refining (see RunFileWorkerPool): not earlier, where they would slow this process's own start. Idle,
  // they do not keep the process alive after an error.
  const fileWorkers = outputKinds(options.outputs).length ? new RunFileWorkerPool() : undefined;
  const method = options.saveTensors ? options.method : { ...options.method, recordEvery: 0 };
  // The large files of the project layout are written while the run goes on (qrels.txt during the fit, a
  // type's files as soon as its scores exist), into the staging folder, opened now; not with
  // --measure-latency, whose timings want the cores to themselves.
  const duringRun = fileWorkers && options.outputLayout !== 'reference' && !options.latency;
  let staging = duringRun ? await openStaging(runFolder) : undefined;
  const onScores =
    fileWorkers && staging ? writeTablesDuringRun(fileWorkers, dataset, staging, options.outputs) : undefined;
  // Until the folder is committed, a failure closes the writers and removes the staging folder: nothing
  // half-written stays behind.
  const discardOnFailure = async (error: unknown): Promise<never> => {
    await fileWorkers?.close();
    if (staging) await discardStaging(staging);
    throw error;
  };
  const result = await runExperiment(
    { dataset, embedder, teacher, method, hyde },
    { signal: controller.signal, onProgress: (e) => progress.update(e), onScores },
  ).catch(discardOnFailure);
  progress.finish();
  // --measure-latency: single queries, timed stage by stage, before the model and the LLM client go away.
  // Loaded only for the runs that ask for it (it brings the LLM client and the cross-encoder with it).
  const latencyReport = options.latency ? await import('./experimentLatency') : undefined;
  const latency =
    latencyReport && options.latency
      ? await latencyReport
          .measureRunLatency(
            {
              result,
              embedder,
              embedderName: neural.name,
              embedderSettings: neural.settings,
              teacher,
              teacherName: options.teacher,
              teacherOptions: {
                noise: options.teacherNoise,
                seed: options.method.randomSeed,
                mode: options.teacherMode,
                thinking: options.thinking,
              },
              serverUrl: options.serverUrl,
              method,
              ...options.latency,
            },
            { signal: controller.signal, onProgress: (e) => progress.update(e) },
          )
          .catch(discardOnFailure)
      : undefined;
  if (latency) progress.finish();
  llm?.close();
  await releaseEmbeddingModels();
  await releaseCrossEncoders();
  const unscored = result.teacher.flatMap((t) => t.errors).filter((e) => e !== null);
  if (unscored.length)
    process.stderr.write(
      `  note: the teacher could not score ${unscored.length} documents (first: ${unscored[0]})\n`,
    );
  const filtered = result.teacher.reduce((n, t) => n + (t.contentFiltered ?? 0), 0);
  if (filtered)
    process.stderr.write(
      `  note: the upstream's content filter refused ${filtered} documents (scored 0.5 in yes/no mode, as the reference)\n`,
    );
  result.timings.load_dataset = loadMs;

  staging ??= await openStaging(runFolder);
  const writeStart = performance.now();
  const summary = summarize(result, options.experimentName, options.method.randomSeed);
  if (latency) summary.latency_ms = latency;
  const config = cliRunConfig(options, {
    dataset,
    location: source.location,
    dataDir: source.dataDir ?? null,
    maxDocuments,
    embedder,
    teacher,
    types: result.types,
    backend,
    llmVia: llm?.via ?? null,
    now: new Date(),
  });
  let dir: string;
  try {
    controller.signal.throwIfAborted();
    await writeExperiment(result, {
      dir: staging,
      signal: controller.signal,
      config,
      summary,
      saveTensors: options.saveTensors,
      saveEmbeddings: options.saveEmbeddings,
      layout: options.outputLayout,
      ...options.outputs,
      workers: fileWorkers,
    });
    summary.timings_ms.write_outputs = Math.round(performance.now() - writeStart);
    summary.timings_ms.total = Math.round(performance.now() - started);
    // Re-written with the final timings (writing the large CSVs is part of the run's cost).
    await writeSummary(staging, summary);
    controller.signal.throwIfAborted();
    committing = true;
    dir = await commitRunFolder(runFolder, staging);
  } catch (error) {
    committing = false;
    return discardOnFailure(error);
  }
  // The run is complete in its folder: a signal from now on just ends the process.
  process.off('SIGINT', cancel);
  process.off('SIGTERM', cancel);
  if (dir !== runFolder.final)
    process.stderr.write(`note: ${runFolder.final} appeared while this run was writing; it is in ${dir}\n`);

  printHeadline(summary);
  if (latency && latencyReport) process.stdout.write(latencyReport.formatLatency(latency));
  process.stdout.write(`Results in ${dir}\n`);
}

/** Refuses a run whose candidate pairs cannot fit in memory, and warns when they exceed the free memory. */
function checkCandidatePairs(name: string, pairs: number): void {
  const how = 'lower --max-documents (every positive is kept) or use a smaller dataset';
  const refusal = tooManyCandidatePairs(pairs, totalmem(), `dataset ${name}`, how);
  if (refusal) throw new Error(refusal);
  const tight = tooManyCandidatePairs(pairs, freemem(), `dataset ${name}`, how);
  if (tight) process.stderr.write(`  warning: ${tight.replace('this machine has', 'is free')}\n`);
}

function printHeadline(summary: ReturnType<typeof summarize>): void {
  const rows = Object.entries(summary.types).map(([type, s]) => {
    const delta = s.vs_original
      ? ` (Δ ${fmt(s.vs_original.map.mean_delta, true)}, p=${s.vs_original.map.p_randomization.toPrecision(2)})`
      : '';
    return `  ${type.padEnd(14)} MAP ${fmt(s.mean.map)}  nDCG@10 ${fmt(s.mean.ndcg_at_10)}  AUC ${fmt(s.mean.roc_auc)}${delta}`;
  });
  process.stdout.write(
    `${summary.dataset}, ${summary.queries} queries, ${(summary.timings_ms.total / 1000).toFixed(1)} s:\n${rows.join('\n')}\n`,
  );
}

function fmt(x: number, signed = false): string {
  return (signed && x >= 0 ? '+' : '') + x.toFixed(4);
}

await runCli(() => main(process.argv.slice(2)));
