import { FOLLOWIR_SUBSETS, type FollowIRSubset } from './followir';

/**
 * Where each registered dataset's files come from on the public web, so that a missing dataset can be
 * downloaded into its folder (see `download.ts`). Every URL is pinned to the commit or revision that the
 * dataset's SOURCE.md names where the host has revisions (GitHub, the Hugging Face Hub); BEIR's zip has none.
 */

/** One entry to take out of a downloaded zip archive. */
export interface ZipEntryTarget {
  /** The entry's path inside the archive (`nfcorpus/corpus.jsonl`). */
  entry: string;
  /** Where it goes, relative to the dataset folder (`corpus.jsonl`). */
  target: string;
}

/** One file to fetch: saved as `target`, or, for a zip, unpacked into the entries of `unzip`. */
export interface RemoteFile {
  /** The public URL, pinned to a commit or revision where the host has them. */
  url: string;
  /** Where the file goes, relative to the dataset folder; absent for a zip that is unpacked (`unzip`). */
  target?: string;
  /** For a zip archive: the entries to extract and where they go; the archive itself is not kept. */
  unzip?: ZipEntryTarget[];
  /** The size in bytes, where known (progress when the server sends no length; the sources table). */
  bytes?: number;
}

/** The public source of one registered dataset. */
export interface RemoteDataset {
  /** The registered dataset's name (`DatasetParser.name`). */
  dataset: string;
  /** Its folder under the data directory (`DatasetParser.folder`). */
  folder: string;
  /** Where the files come from, in words (repository and commit). */
  origin: string;
  files: RemoteFile[];
  /**
   * Set for a source of several GB that should only be fetched on an explicit request (`npm run datasets --
   * --download NAME`), not as a side effect of running an experiment; says why.
   */
  large?: string;
}

/** Every path a remote file writes into the dataset folder: its target, or its zip entries' targets. */
export function remoteFileTargets(file: RemoteFile): string[] {
  if (file.unzip !== undefined) return file.unzip.map((e) => e.target);
  return file.target === undefined ? [] : [file.target];
}

const GITHUB_RAW = 'https://raw.githubusercontent.com';
const HF_DATASETS = 'https://huggingface.co/datasets';

/** A file of a GitHub repository at a commit, as raw.githubusercontent.com serves it. */
function github(repo: string, commit: string, path: string, target: string, bytes?: number): RemoteFile {
  return { url: `${GITHUB_RAW}/${repo}/${commit}/${path}`, target, bytes };
}

/** A file of a Hugging Face Hub dataset repository at a revision (`resolve/<revision>/<path>`). */
function huggingFace(repo: string, revision: string, path: string, target: string): RemoteFile {
  return { url: `${HF_DATASETS}/${repo}/resolve/${revision}/${path}`, target };
}

// Commits and revisions, as the datasets' SOURCE.md files and the parsers name them.
/** clinc/oos-eval: the last commit that changed data/data_full.json (the file is the same at HEAD). */
const CLINC_COMMIT = '48a0e1cff8f43dd4d0836ecb4ed5df08733e3d2e';
/** IBM/task-aware-embedding-refinement HEAD, which holds data/clinc150/clinc150_intent_mapping.csv. */
const IBM_REFERENCE_COMMIT = 'cb2c44be301a4483fc04870af12adedc7084f167';
/** PolyAI-LDN/task-specific-datasets HEAD. */
const BANKING_COMMIT = '57ec275d8078af65b7731c2a98be812d844a6d6b';
/** IBM/KPA_2021_shared_task HEAD. */
const KPA_COMMIT = '2f5e2d5ad5a387fe731da2f00b423ce1d845c5d2';
/**
 * The JSONL releases of FollowIR that mteb 1.x loads (its `*InstructionRetrieval` task metadata), the layout
 * `followir.ts` reads.
 */
const FOLLOWIR_REPOS: Record<FollowIRSubset, { repo: string; revision: string }> = {
  Core17: { repo: 'jhu-clsp/core17-instructions', revision: 'e39ff896cf3efbbdeeb950e6bd7c79f266995b07' },
  Robust04: { repo: 'jhu-clsp/robust04-instructions', revision: 'a5a1c4fe2bc528ac12e83f8cdf82178da85d2f1d' },
  News21: { repo: 'jhu-clsp/news21-instructions', revision: 'e0144086b45fe31ac125e9ac1a83b6a409bb6ca6' },
};
/** PaSa's dataset; SOURCE.md names no revision, so the default branch. */
const PASA_REPO = 'CarlanLark/pasa-dataset';
const PASA_REVISION = 'main';
/** BEIR's own copy (no revisions). */
const NFCORPUS_ZIP = 'https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets/nfcorpus.zip';

function followIR(name: string, subsets: readonly FollowIRSubset[]): RemoteDataset {
  const files = subsets.flatMap((subset) => {
    const { repo, revision } = FOLLOWIR_REPOS[subset];
    // top_ranked.jsonl is not read (the candidates are the judged documents), so it is not fetched.
    return ['corpus.jsonl', 'queries.jsonl', 'qrels_og/test.jsonl', 'qrels_changed/test.jsonl'].map((path) =>
      huggingFace(repo, revision, path, `${subset}/${path}`),
    );
  });
  const origin = subsets
    .map((s) => `${HF_DATASETS}/${FOLLOWIR_REPOS[s].repo} @ ${FOLLOWIR_REPOS[s].revision}`)
    .join(', ');
  return { dataset: name, folder: 'FollowIR', origin, files };
}

/** The public sources of the registered datasets that can be downloaded (the demo is built in). */
export const REMOTE_DATASETS: readonly RemoteDataset[] = [
  {
    dataset: 'Clinc150',
    folder: 'Clinc150',
    origin:
      `https://github.com/clinc/oos-eval @ ${CLINC_COMMIT} (data/data_full.json); ` +
      `https://github.com/IBM/task-aware-embedding-refinement @ ${IBM_REFERENCE_COMMIT} (intent descriptions)`,
    files: [
      github('clinc/oos-eval', CLINC_COMMIT, 'data/data_full.json', 'data_full.json', 2_495_390),
      github(
        'IBM/task-aware-embedding-refinement',
        IBM_REFERENCE_COMMIT,
        'data/clinc150/clinc150_intent_mapping.csv',
        'clinc150_intent_mapping.csv',
        24_932,
      ),
    ],
  },
  {
    dataset: 'Banking77',
    folder: 'Banking77',
    origin: `https://github.com/PolyAI-LDN/task-specific-datasets @ ${BANKING_COMMIT} (banking_data/)`,
    files: [
      github(
        'PolyAI-LDN/task-specific-datasets',
        BANKING_COMMIT,
        'banking_data/train.csv',
        'train.csv',
        839_073,
      ),
      github(
        'PolyAI-LDN/task-specific-datasets',
        BANKING_COMMIT,
        'banking_data/test.csv',
        'test.csv',
        239_961,
      ),
    ],
  },
  {
    dataset: 'ArgKP21',
    folder: 'ArgKP21',
    origin: `https://github.com/IBM/KPA_2021_shared_task @ ${KPA_COMMIT} (kpm_data/)`,
    files: (
      [
        ['arguments_dev.csv', 153_477],
        ['key_points_dev.csv', 3_370],
        ['labels_dev.csv', 65_467],
        ['arguments_train.csv', 897_005],
        ['key_points_train.csv', 20_546],
        ['labels_train.csv', 411_470],
      ] as const
    ).map(([file, bytes]) =>
      github('IBM/KPA_2021_shared_task', KPA_COMMIT, `kpm_data/${file}`, `kpm_data/${file}`, bytes),
    ),
  },
  {
    dataset: 'NFCorpus',
    folder: 'NFCorpus',
    origin: `${NFCORPUS_ZIP} (BEIR; unversioned)`,
    files: [
      {
        url: NFCORPUS_ZIP,
        unzip: [
          { entry: 'nfcorpus/corpus.jsonl', target: 'corpus.jsonl' },
          { entry: 'nfcorpus/queries.jsonl', target: 'queries.jsonl' },
          { entry: 'nfcorpus/qrels/test.tsv', target: 'qrels/test.tsv' },
        ],
      },
    ],
  },
  followIR('FollowIR', FOLLOWIR_SUBSETS),
  ...FOLLOWIR_SUBSETS.map((subset) => followIR(`FollowIR-${subset}`, [subset])),
  {
    dataset: 'RealScholarQuery',
    folder: 'RealScholarQuery',
    origin: `${HF_DATASETS}/${PASA_REPO} @ ${PASA_REVISION}`,
    files: [
      'RealScholarQuery/test.jsonl',
      'paper_database/id2paper.json',
      'paper_database/cs_paper_2nd.zip',
    ].map((path) => huggingFace(PASA_REPO, PASA_REVISION, path, path)),
    large:
      'paper_database/cs_paper_2nd.zip is several GB, and the parser reads the zip whole, so the full ' +
      'paper database does not load; fetch it only on purpose (npm run datasets -- --download RealScholarQuery)',
  },
];

/** The public source of registered dataset `name` (case-insensitive), or undefined when it has none. */
export function remoteDataset(name: string): RemoteDataset | undefined {
  const wanted = name.trim().toLowerCase();
  return REMOTE_DATASETS.find((d) => d.dataset.toLowerCase() === wanted);
}

/**
 * `url` served from `mirror` instead of its own host: `https://host/path` → `<mirror>/host/path` (query kept),
 * so that one base URL can stand in for every source (tests, a local mirror, an offline cache). No mirror (or
 * an empty one) leaves the URL as it is.
 */
export function mirroredUrl(url: string, mirror: string | undefined): string {
  if (mirror === undefined || mirror.trim() === '') return url;
  const parsed = new URL(url);
  const base = mirror.trim().replace(/\/+$/, '');
  return `${base}/${parsed.host}${parsed.pathname}${parsed.search}`;
}
