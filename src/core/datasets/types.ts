/** A document of a dataset: a stable id (the source's own) and the text that gets embedded. */
export interface DatasetDocument {
  id: string;
  text: string;
}

/**
 * A query with its candidates: the indices (into `Dataset.documents`) of the documents it is ranked
 * against, and one gold label per candidate (0 = not relevant; > 0 relevant). A parser may give graded
 * labels; `loadDatasetWith` makes them binary (0/1), as the reference does (see `referenceCandidates`).
 */
export interface DatasetQuery {
  id: string;
  text: string;
  candidates: Int32Array;
  labels: Float32Array;
}

export type DatasetTask = 'search' | 'classification';

export interface Dataset {
  name: string;
  task: DatasetTask;
  /** The task instruction (used by instruction-following embedders and LLM teachers). */
  instruction: string;
  documents: DatasetDocument[];
  queries: DatasetQuery[];
  /**
   * What loading changed or left out, one readable sentence each (queries without judged candidates dropped,
   * qrels lines naming unknown ids skipped, the document cap, ...). Absent or empty when nothing was.
   */
  notes?: string[];
}

/**
 * Read access to one dataset's folder. The engine has no file system: Node passes a folder reader,
 * the browser passes fetched or dropped files.
 */
export interface DataFiles {
  /** Where the files come from, for error messages (a folder path or a URL). */
  readonly location: string;
  exists(relativePath: string): Promise<boolean>;
  readText(relativePath: string): Promise<string>;
  /** Binary files (zip archives). */
  readBytes(relativePath: string): Promise<Uint8Array>;
  /**
   * Optional: the file's bytes in order, a chunk at a time, for files too large to hold whole (Node refuses
   * to read a file over 2 GiB into one buffer). Readers that have it use it instead of `readBytes`; a chunk
   * may be kept (the reader never reuses or overwrites its memory) but must not be modified. A missing or unreadable file
   * fails on the first `next()`; `signal` stops the reading with its abort reason.
   */
  readChunks?(relativePath: string, options?: ReadChunksOptions): AsyncIterable<Uint8Array>;
}

export interface ReadChunksOptions {
  signal?: AbortSignal;
}

export interface ParseOptions {
  /**
   * Cap on the number of documents: every positive is kept and the rest are the reference's sample (always
   * seed 42, see `capDocuments`). Undefined means the dataset's own default cap (none for most); Infinity
   * means no cap.
   */
  maxDocuments?: number;
  /**
   * The memory the run may use, in bytes: a parser that ranks every query against every document (a CSV
   * import) refuses a grid that would not fit before building it (see `candidatePairMemory.ts`).
   */
  memoryBytes?: number;
}

/** One source format. Adding a dataset to the registry means writing one of these. */
export interface DatasetParser {
  name: string;
  task: DatasetTask;
  /** Folder name under the data directory. */
  folder: string;
  /**
   * Files (relative to the folder) that must exist; listed in the error when they do not. For a parser that
   * reads more than one layout, the files of the layout that gets downloaded.
   */
  requiredFiles: string[];
  /**
   * Only for parsers that read more than one layout (FollowIR: JSONL or MTEB parquet): the files `files`
   * still lacks, empty when one layout is complete (see `missingDatasetFiles`).
   */
  missingFiles?(files: DataFiles): Promise<string[]>;
  /** Where the files come from, for the "missing data" message. */
  sourceHint: string;
  /**
   * The document cap used when `ParseOptions.maxDocuments` is not given (see `capDocuments`); absent means
   * no cap. `loadDatasetWith` applies it after `parse`.
   */
  defaultMaxDocuments?: number;
  parse(files: DataFiles, options: ParseOptions): Promise<Dataset>;
}
