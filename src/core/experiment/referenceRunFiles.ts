import type { ExperimentResult } from './pipeline';
import {
  checkEveryStep,
  REFERENCE_TYPE_NAMES,
  referenceArgsOf,
  referenceExperimentConfig,
  referenceQueryUpdates,
  referenceRawScoresParquet,
  referenceResultsCsv,
  referenceTensorPath,
  referenceTopicOrder,
} from './referenceLayout';
import type { RunFile, RunFilesOptions } from './runFiles';
import { streamedContent } from './streamedContent';

/**
 * The files of the reference layout (`--output-layout reference`, see `referenceLayout.ts`):
 * `experiment_config.json`; per computation type the reference has, `<name>_results.csv` and
 * `<name>_raw_scores.parquet`; with trajectories, `tensors/<slug>/query_updates.pt` per topic.
 */
export function referenceExperimentFiles(result: ExperimentResult, options: RunFilesOptions): RunFile[] {
  const { config } = options;
  const stamp = typeof config.timestamp === 'string' ? new Date(config.timestamp) : new Date();
  const files: RunFile[] = [
    {
      path: 'experiment_config.json',
      content: {
        kind: 'text',
        chunks: () => [JSON.stringify(referenceExperimentConfig(config, stamp), null, 2) + '\n'],
      },
    },
  ];
  const args = referenceArgsOf(config);
  for (const type of result.types) {
    const name = REFERENCE_TYPE_NAMES[type];
    if (!name) continue;
    files.push({
      path: `${name}_results.csv`,
      content: { kind: 'text', chunks: () => referenceResultsCsv(result, type, args) },
    });
    if (options.parquet ?? true)
      files.push({
        path: `${name}_raw_scores.parquet`,
        large: true,
        content: streamedContent(true, () => referenceRawScoresParquet(result, type)),
      });
  }
  const trajectories = result.trajectories;
  if (options.trajectories && trajectories) {
    checkEveryStep(trajectories);
    // Topics with the same slug share a folder; as in the reference, the last one written (in its topic
    // order) is kept.
    const byPath = new Map<string, number>();
    const { queries } = result.dataset;
    for (const i of referenceTopicOrder(queries)) byPath.set(referenceTensorPath(queries[i].text), i);
    for (const [path, i] of byPath)
      files.push({
        path,
        content: streamedContent(false, () => [referenceQueryUpdates(result, i)]),
      });
  }
  return files;
}
