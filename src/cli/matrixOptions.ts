import { datasetSpecSlug, parseDatasetSpec } from '../core/datasets/datasetSpec';
import { parseExperimentOptions } from './experimentOptions';

/** `npm run matrix`'s own options; everything else is forwarded to every experiment. */
export interface MatrixOptions {
  embeddingModels: string[];
  datasets: string[];
  parallel: number;
  experimentPrefix?: string;
  dryRun: boolean;
  continueOnError: boolean;
  /** Where the runs' folders and the final table go (also forwarded). */
  outputDir: string;
  /** The teacher of every run (also forwarded), for the table. */
  teacher: string;
  /** Options passed to every experiment as they are. */
  forwarded: string[];
}

/** One experiment of the matrix. */
export interface PlannedRun {
  index: number;
  dataset: string;
  embeddingModel: string;
  name: string;
  /** The experiment CLI's arguments. */
  args: string[];
  /** Why these arguments cannot run (checked before anything starts); undefined when they can. */
  invalid?: string;
}

export const MATRIX_USAGE = `Usage: npm run matrix -- --datasets NAME... [--embedding-models MODEL...] [options]
                     [any option of npm run experiment]

Runs one experiment (npm run experiment) per embedding model × dataset, in child processes, and writes a
table of every run's headline metrics.

  --datasets NAME...          datasets (names or beir:/trec:/csv: imports), space- or comma-separated
                              (required)
  --embedding-models M...     embedding models, space- or comma-separated (default lsa)
  --teacher NAME              the teacher of every run (default gold, cross-encoder with --refit; forwarded)
  --parallel N                experiments run at once (default 1)
  --experiment-prefix P       run names are <P>_<dataset>_<model>_<timestamp>
  --dry-run                   print the runs and their commands; run nothing
  --continue-on-error         run the remaining experiments when one fails (default: start no new run
                              after a failure)
  --output-dir DIR            where the run folders and the table go (default output/; forwarded)
  -h, --help                  this text

Every other option (e.g. --data-dir, --num-steps, --lr, --refit, --backend, --measure-latency) is passed
to each experiment unchanged. Writes <output-dir>/<name>/ per run, and <output-dir>/<batch>.csv and .md with
the final table (batch: [<prefix>_]matrix_<timestamp>); each run's log is in <output-dir>/<batch>-logs/.
Exit status: 0 when every run succeeded, 1 when any failed or was skipped, 2 on bad options.
`;

const LIST_OPTIONS = { '--datasets': 'datasets', '--embedding-models': 'embeddingModels' } as const;

/** Parses argv (without node and script). Throws an Error with a readable message on a bad option. */
export function parseMatrixOptions(argv: string[]): MatrixOptions | 'help' {
  const lists: { datasets: string[]; embeddingModels: string[] } = { datasets: [], embeddingModels: [] };
  const seen = new Set<string>();
  const forwarded: string[] = [];
  let parallel = 1;
  let experimentPrefix: string | undefined;
  let dryRun = false;
  let continueOnError = false;
  let outputDir = 'output';
  let teacher = 'gold';
  const valueOf = (name: string, inline: string | undefined, i: number): [string, number] => {
    if (inline !== undefined) return [inline, i];
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) throw new Error(`${name} needs a value`);
    return [next, i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const name = eq > 0 ? token.slice(0, eq) : token;
    const inline = eq > 0 ? token.slice(eq + 1) : undefined;
    if (name === '-h' || name === '--help') return 'help';
    if (name in LIST_OPTIONS) {
      const key = LIST_OPTIONS[name as keyof typeof LIST_OPTIONS];
      if (seen.has(name)) throw new Error(`${name} is given twice; list every value after one ${name}`);
      seen.add(name);
      const values = inline !== undefined ? [inline] : [];
      while (i + 1 < argv.length && !argv[i + 1].startsWith('-')) values.push(argv[++i]);
      lists[key] = values
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean);
      if (lists[key].length === 0) throw new Error(`${name} needs at least one value`);
      continue;
    }
    switch (name) {
      case '--parallel': {
        const [text, at] = valueOf(name, inline, i);
        i = at;
        parallel = Number(text);
        if (!Number.isInteger(parallel) || parallel < 1)
          throw new Error(`--parallel must be a positive integer, got "${text}"`);
        break;
      }
      case '--experiment-prefix': {
        const [text, at] = valueOf(name, inline, i);
        i = at;
        if (!/^[A-Za-z0-9._-]+$/.test(text))
          throw new Error(
            `--experiment-prefix may hold letters, digits, ".", "_" and "-" only, got "${text}"`,
          );
        experimentPrefix = text;
        break;
      }
      case '--dry-run':
        dryRun = true;
        break;
      case '--continue-on-error':
        continueOnError = true;
        break;
      case '--output-dir':
      case '--teacher': {
        const [text, at] = valueOf(name, inline, i);
        i = at;
        if (name === '--output-dir') outputDir = text;
        else teacher = text;
        forwarded.push(name, text);
        break;
      }
      case '--dataset':
      case '--embedding-model':
        throw new Error(`${name} is one experiment's option: give the matrix ${name}s (plural) instead`);
      case '--experiment-name':
        throw new Error('--experiment-name is set per run by the matrix: use --experiment-prefix');
      default:
        forwarded.push(token);
    }
  }
  // As the experiment runner: --refit without --teacher runs ReFIT's own teacher, the cross-encoder.
  if (forwarded.includes('--refit') && !forwarded.includes('--teacher')) teacher = 'cross-encoder';
  if (lists.datasets.length === 0) throw new Error('--datasets is required (one or more dataset names)');
  if (lists.embeddingModels.length === 0) lists.embeddingModels = ['lsa'];
  return {
    embeddingModels: lists.embeddingModels,
    datasets: lists.datasets,
    parallel,
    experimentPrefix,
    dryRun,
    continueOnError,
    outputDir,
    teacher,
    forwarded,
  };
}

/** A name part from a model or dataset reference: its last path segment, file-name safe. */
function slug(text: string): string {
  const last =
    text
      .split(/[/\\]+/)
      .filter(Boolean)
      .at(-1) ?? text;
  return last.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

/** `YYYYMMDD_HHMMSS`, as the experiment runner's default names. */
export function batchStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
}

/**
 * Every run, models outermost (as the reference's itertools.product(models, datasets)), with its name and
 * arguments, each checked by the experiment runner's own option parser.
 */
export function planRuns(options: MatrixOptions, stamp: string): PlannedRun[] {
  const runs: PlannedRun[] = [];
  const names = new Set<string>();
  for (const embeddingModel of options.embeddingModels) {
    for (const dataset of options.datasets) {
      let datasetSlug: string;
      try {
        datasetSlug = datasetSpecSlug(parseDatasetSpec(dataset));
      } catch {
        datasetSlug = slug(dataset);
      }
      const base = [options.experimentPrefix, datasetSlug, slug(embeddingModel), stamp]
        .filter(Boolean)
        .join('_');
      let name = base;
      for (let k = 2; names.has(name); k++) name = `${base}-${k}`;
      names.add(name);
      const args = [
        '--dataset',
        dataset,
        '--embedding-model',
        embeddingModel,
        '--experiment-name',
        name,
        ...options.forwarded,
      ];
      let invalid: string | undefined;
      try {
        parseExperimentOptions(args);
      } catch (error) {
        invalid = (error as Error).message;
      }
      runs.push({ index: runs.length + 1, dataset, embeddingModel, name, args, invalid });
    }
  }
  return runs;
}

/** A command line a user could paste, for --dry-run and the logs. */
export function commandLine(args: string[]): string {
  const quote = (a: string) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return `npm run experiment -- ${args.map(quote).join(' ')}`;
}
