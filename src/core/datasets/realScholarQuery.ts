import { forEachZipEntryInChunks } from './zipStream';
import { compareCodePoints } from './codePointOrder';
import { readDataText } from './dataText';
import { CAP_SEED, checkDocumentCap, referenceCapSample } from './documentCap';
import { DocumentTable } from './documentTable';
import { jsonTextField, parseJsonLines } from './jsonLines';
import type { DataFiles, Dataset, DatasetParser, DatasetQuery, ParseOptions } from './types';

const QUERIES_FILE = 'RealScholarQuery/test.jsonl';
const ID2PAPER_FILE = 'paper_database/id2paper.json';
const PAPER_ZIP = 'paper_database/cs_paper_2nd.zip';

/** The reference's `RealScholarQuery.corpus_size_limit`. */
export const REAL_SCHOLAR_QUERY_MAX_DOCUMENTS = 25_000;

/** The task instruction the reference uses for RealScholarQuery (`instruction_templates.yaml`). */
const INSTRUCTION =
  'Given a fine-grained scientific inquiry, retrieve academic publications that strictly align with the ' +
  'specified research topic, methodology, and constraints.';

/**
 * RealScholarQuery (PaSa, He et al. 2025): 50 scholarly questions written by researchers, searched in the
 * PaSa paper database. The folder is a snapshot of the Hugging Face dataset `CarlanLark/pasa-dataset`:
 *
 *   RealScholarQuery/test.jsonl      one question per line: {"question", "answer": [titles],
 *                                    "answer_arxiv_id": [arXiv ids], "source_meta": {"published_time"},
 *                                    "qid"}
 *   paper_database/id2paper.json     {arXiv id: title}
 *   paper_database/cs_paper_2nd.zip  one JSON file per paper, {"title", "abstract", "sections"}, each named
 *                                    by its title's letters, lower-cased (bytedance/pasa `keep_letters`)
 *
 * As the reference loader (IBM/task-aware-embedding-refinement, `dataset_loaders.RealScholarQuery`) does:
 * every zip entry is a paper whose arXiv id is found by its exact `title` in the reversed id2paper map (for a
 * title listed under several ids, the last id wins); documents are the papers' abstracts; every question is
 * a query whose candidates are all documents, labelled 1 for the papers in its `answer_arxiv_id`, else 0;
 * and the papers are capped at 25,000 by default (`REAL_SCHOLAR_QUERY_MAX_DOCUMENTS`), keeping every answer
 * paper and exactly the reference's sample of the rest (Python's `random.Random(42)` over the sorted arXiv
 * ids, see `capPapers`). The cap is applied while parsing, before the query × document grid is built, so the
 * full corpus never gets a grid; `loadDatasetWith` then finds the dataset within the cap.
 *
 * Deviations, each counted in `Dataset.notes`:
 * - a zip entry whose title id2paper does not list is skipped (the reference stops with a KeyError);
 * - a paper whose abstract is missing, null or blank is not a document (the reference would embed "");
 * - an answer id without such a paper (not in id2paper, no zip entry, or no abstract) is skipped, as the
 *   reference's `doc_id in all_data` test does; a query left with no positive is kept (the reference keeps
 *   it, with all-zero labels); when no query has a positive left, loading fails;
 * - papers with the same abstract are one document (the first paper's id), positive when any of them is;
 * - a question asked twice is one query, the later line's (the reference keys queries by question).
 * Queries are sorted by question in code-point order (as the reference experiment does); ids are `qid`
 * (`RealScholarQuery_<n>`), or `line-<n>` when a line has none. Documents are in zip order.
 *
 * The zip (several GB when published) is read with `DataFiles.readChunks` where the files have it (the Node
 * folder reader does), and its entries are decoded one at a time (`forEachZipEntryInChunks`), so memory holds
 * the abstracts kept, not the archive or the papers' full JSON. Files without `readChunks` fall back to
 * `readBytes`, which needs the whole zip in memory.
 */
export const realScholarQueryParser: DatasetParser = {
  name: 'RealScholarQuery',
  task: 'search',
  folder: 'RealScholarQuery',
  requiredFiles: [QUERIES_FILE, ID2PAPER_FILE, PAPER_ZIP],
  sourceHint:
    'a snapshot of https://huggingface.co/datasets/CarlanLark/pasa-dataset: RealScholarQuery/test.jsonl, ' +
    'paper_database/id2paper.json and paper_database/cs_paper_2nd.zip',
  defaultMaxDocuments: REAL_SCHOLAR_QUERY_MAX_DOCUMENTS,
  parse: parseRealScholarQuery,
};

interface Question {
  id: string;
  text: string;
  answerIds: string[];
}

async function parseRealScholarQuery(files: DataFiles, options: ParseOptions): Promise<Dataset> {
  const notes: string[] = [];
  const questions = await readQuestions(files, notes);
  const titleToId = await readTitleToId(files);
  const { abstracts, paperIds } = await readAbstracts(files, titleToId, notes);

  // Documents: the papers' abstracts in zip order, one per distinct text.
  const table = new DocumentTable();
  const docOfPaper = new Map<string, number>();
  for (const [arxivId, abstract] of abstracts) docOfPaper.set(arxivId, table.add(arxivId, abstract));
  if (table.size < docOfPaper.size) {
    notes.push(
      `${docOfPaper.size - table.size} paper(s) share their abstract with an earlier paper and are merged`,
    );
  }

  const positivesOf = questions.map((question) => {
    const positives = new Set<number>();
    for (const arxivId of question.answerIds) {
      const doc = docOfPaper.get(arxivId);
      if (doc !== undefined) positives.add(doc);
    }
    return positives;
  });
  reportSkippedAnswers(questions, docOfPaper, positivesOf, files, notes);

  const cap = options.maxDocuments ?? REAL_SCHOLAR_QUERY_MAX_DOCUMENTS;
  const kept = capPapers(paperIds, questions, docOfPaper, table.size, cap, notes);

  const n = kept.length;
  const allDocuments = new Int32Array(n);
  for (let i = 0; i < n; i++) allDocuments[i] = i;
  const newIndex = new Map<number, number>();
  kept.forEach((oldDoc, i) => newIndex.set(oldDoc, i));

  const queries = questions.map((question, q): DatasetQuery => {
    const labels = new Float32Array(n);
    for (const doc of positivesOf[q]) {
      const i = newIndex.get(doc);
      if (i === undefined) throw new Error(`internal: the document cap dropped a positive`);
      labels[i] = 1;
    }
    // Each query gets its own candidate array: callers may transfer or mutate one without touching others.
    return { id: question.id, text: question.text, candidates: allDocuments.slice(), labels };
  });
  queries.sort((a, b) => compareCodePoints(a.text, b.text));

  const dataset: Dataset = {
    name: realScholarQueryParser.name,
    task: 'search',
    instruction: INSTRUCTION,
    documents: kept.map((doc) => table.documents[doc]),
    queries,
  };
  if (notes.length > 0) dataset.notes = notes;
  return dataset;
}

/**
 * The indices of the documents the cap keeps, in document order. The reference caps papers, not abstracts:
 * when the zip holds more papers than `cap`, it keeps the answer papers and `random.Random(42).sample(sorted(
 * other paper ids), cap − answer papers)` (`referenceCapSample`), counting papers without an abstract and
 * papers that share one. Drawing over the same ids keeps exactly its papers; a document is kept when one of
 * its papers is. When the answer papers alone exceed the cap they are all kept (the reference fails). The
 * documents then number at most the cap, so `loadDatasetWith`'s `capDocuments` finds nothing to do.
 */
function capPapers(
  paperIds: ReadonlySet<string>,
  questions: readonly Question[],
  docOfPaper: ReadonlyMap<string, number>,
  documents: number,
  cap: number,
  notes: string[],
): number[] {
  checkDocumentCap(cap);
  const all = Array.from({ length: documents }, (_, i) => i);
  if (paperIds.size <= cap) return all;
  const answers = new Set<string>();
  for (const question of questions)
    for (const id of question.answerIds) if (paperIds.has(id)) answers.add(id);
  const keptPapers = [...answers];
  if (answers.size <= cap) {
    const others = [...paperIds].filter((id) => !answers.has(id));
    keptPapers.push(...referenceCapSample(others, (id) => id, cap - answers.size));
  }
  const keep = new Uint8Array(documents);
  for (const id of keptPapers) {
    const doc = docOfPaper.get(id);
    if (doc !== undefined) keep[doc] = 1;
  }
  const kept = all.filter((doc) => keep[doc] === 1);
  notes.push(
    answers.size <= cap
      ? `document cap ${cap}: kept ${cap} of ${paperIds.size} papers (all ${answers.size} answer papers and the ` +
          `reference's sample of the others, Python's random.Random(${CAP_SEED}) over their sorted arXiv ids), ` +
          `${kept.length} documents`
      : `document cap ${cap}: the ${answers.size} answer papers exceed it; kept all of them and no others ` +
          `(${kept.length} documents)`,
  );
  return kept;
}

/** Notes (or, when no question has a positive left, an error) for answer ids without a paper abstract. */
function reportSkippedAnswers(
  questions: readonly Question[],
  docOfPaper: ReadonlyMap<string, number>,
  positivesOf: ReadonlyArray<ReadonlySet<number>>,
  files: DataFiles,
  notes: string[],
): void {
  const skipped = new Set<string>();
  let references = 0;
  for (const question of questions) {
    for (const arxivId of question.answerIds) {
      if (docOfPaper.has(arxivId)) continue;
      references++;
      skipped.add(arxivId);
    }
  }
  const empty = questions.filter((_, q) => positivesOf[q].size === 0).map((question) => question.id);
  if (empty.length === questions.length) {
    throw new Error(
      `${files.location}: no question has an answer paper with an abstract ` +
        `(${references} answer reference(s) to ${skipped.size} paper(s) have no abstract in ${PAPER_ZIP}); ` +
        `check that ${ID2PAPER_FILE} and ${PAPER_ZIP} are the PaSa paper database`,
    );
  }
  if (references > 0) {
    const shown = [...skipped].slice(0, 5).join(', ');
    notes.push(
      `skipped ${references} answer reference(s) to ${skipped.size} paper(s) without an abstract in ` +
        `${PAPER_ZIP} (${shown}${skipped.size > 5 ? ', ...' : ''})`,
    );
  }
  if (empty.length > 0) {
    notes.push(`${empty.length} query(ies) have no positive left: ${empty.join(', ')}`);
  }
}

/** test.jsonl: the questions in file order; a repeated question keeps its later line (and position). */
async function readQuestions(files: DataFiles, notes: string[]): Promise<Question[]> {
  const fileName = `${files.location}/${QUERIES_FILE}`;
  const byText = new Map<string, Question>();
  let repeated = 0;
  for (const record of parseJsonLines(await readDataText(files, QUERIES_FILE), fileName)) {
    const text = jsonTextField(record, 'question', fileName, true);
    const answers = record.value.answer_arxiv_id;
    if (!Array.isArray(answers) || !answers.every((id): id is string => typeof id === 'string')) {
      throw new Error(
        `${fileName}: line ${record.line} ` +
          (answers === undefined
            ? 'has no "answer_arxiv_id" field'
            : 'has an "answer_arxiv_id" that is not a list of arXiv id strings'),
      );
    }
    const qid = record.value.qid;
    const id = typeof qid === 'string' && qid !== '' ? qid : `line-${record.line}`;
    if (byText.has(text)) {
      repeated++;
      byText.delete(text);
    }
    byText.set(text, { id, text, answerIds: answers });
  }
  if (repeated > 0)
    notes.push(`${repeated} question(s) repeat an earlier line's question; the later line is kept`);
  return [...byText.values()];
}

/** id2paper.json reversed: title → arXiv id, the last id winning for a repeated title (Python's `{v: k}`). */
async function readTitleToId(files: DataFiles): Promise<Map<string, string>> {
  const fileName = `${files.location}/${ID2PAPER_FILE}`;
  let data: unknown;
  try {
    data = JSON.parse(await readDataText(files, ID2PAPER_FILE));
  } catch (error) {
    throw new Error(`${fileName} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new Error(`${fileName} is not a JSON object of arXiv id → title`);
  }
  // Object.entries follows the file's order except for integer-like keys, which no arXiv id is.
  const titleToId = new Map<string, string>();
  for (const [arxivId, title] of Object.entries(data)) {
    if (typeof title !== 'string') {
      throw new Error(`${fileName}: the title of "${arxivId}" is ${JSON.stringify(title)}, not a string`);
    }
    titleToId.set(title, arxivId);
  }
  return titleToId;
}

/**
 * The papers of cs_paper_2nd.zip that have an abstract: arXiv id → abstract, in zip order (a later entry for
 * the same id replaces the abstract and keeps the position, as a Python dict does); and the ids of all papers
 * whose title id2paper lists, abstract or not (the reference's `all_data`, which its cap draws from).
 */
async function readAbstracts(
  files: DataFiles,
  titleToId: ReadonlyMap<string, string>,
  notes: string[],
): Promise<{ abstracts: Map<string, string>; paperIds: Set<string> }> {
  const zipName = `${files.location}/${PAPER_ZIP}`;
  const abstracts = new Map<string, string>();
  const paperIds = new Set<string>();
  let entries = 0;
  const unknownTitles: string[] = [];
  let withoutAbstract = 0;
  const decoder = new TextDecoder('utf-8', { fatal: true });

  // Chunk by chunk when the files can (the published zip is several GB; Node reads at most 2 GiB at once).
  const chunks = files.readChunks?.(PAPER_ZIP) ?? [await files.readBytes(PAPER_ZIP)];
  await forEachZipEntryInChunks(chunks, zipName, (name, bytes) => {
    entries++;
    const where = `${zipName}: entry "${name}"`;
    let paper: unknown;
    try {
      paper = JSON.parse(decoder.decode(bytes));
    } catch (error) {
      throw new Error(`${where} is not valid UTF-8 JSON: ${(error as Error).message}`, { cause: error });
    }
    if (typeof paper !== 'object' || paper === null || Array.isArray(paper)) {
      throw new Error(`${where} is not a JSON object`);
    }
    const { title, abstract } = paper as Record<string, unknown>;
    if (typeof title !== 'string') {
      throw new Error(
        `${where} has ${title === undefined ? 'no "title" field' : 'a "title" that is not a string'}`,
      );
    }
    const arxivId = titleToId.get(title);
    if (arxivId === undefined) {
      unknownTitles.push(title);
      return;
    }
    paperIds.add(arxivId);
    if (typeof abstract !== 'string' || abstract.trim() === '') {
      withoutAbstract++;
      abstracts.delete(arxivId);
      return;
    }
    abstracts.set(arxivId, abstract);
  });

  if (entries === 0) {
    throw new Error(
      `${zipName} holds no paper files; expected one JSON file per paper (cs_paper_2nd.zip of PaSa)`,
    );
  }
  if (abstracts.size === 0) {
    throw new Error(
      `${zipName}: none of its ${entries} paper file(s) has both a title listed in ${ID2PAPER_FILE} ` +
        'and an abstract',
    );
  }
  if (unknownTitles.length > 0) {
    const shown = unknownTitles
      .slice(0, 3)
      .map((t) => JSON.stringify(t))
      .join(', ');
    notes.push(
      `skipped ${unknownTitles.length} zip entry(ies) whose title ${ID2PAPER_FILE} does not list ` +
        `(${shown}${unknownTitles.length > 3 ? ', ...' : ''})`,
    );
  }
  if (withoutAbstract > 0) notes.push(`skipped ${withoutAbstract} paper(s) without an abstract`);
  return { abstracts, paperIds };
}
