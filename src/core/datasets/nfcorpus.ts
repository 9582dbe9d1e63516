import { beirParser } from './beir';

/**
 * NFCorpus (Boteva et al., 2016) in BEIR's layout: the test queries that have qrels, ranked against the whole
 * corpus, uncapped (the reference's `NFCorpus.corpus_size_limit = None`). Every judged pair in BEIR's test
 * qrels has score 1 or 2, so every judged pair is a positive (label 1 once loaded) and all other pairs are 0.
 */
export const nfcorpusParser = beirParser({
  name: 'NFCorpus',
  folder: 'NFCorpus',
  split: 'test',
  defaultMaxDocuments: Infinity,
  sourceHint:
    "corpus.jsonl, queries.jsonl and qrels/test.tsv of BEIR's nfcorpus.zip " +
    '(https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets/nfcorpus.zip)',
  // The reference's instruction (instruction_templates.yaml).
  instruction: 'Given a question, retrieve relevant documents that best answer the question.',
});
