/**
 * The LLM teacher's prompts, character for character those of the reference code (generative_llms.py,
 * rerankers.py), with its truncation; checked against ../shared/reference/reference-golden.json.
 */

/** As the reference's MAX_INPUT_CHARS: template + query + document are kept within this many characters. */
export const MAX_INPUT_CHARS = 500_000;

/** The reference picks its FollowIR reranker (the `truefalse` mode here) by this exact model name. */
export const FOLLOWIR_MODEL = 'jhu-clsp/FollowIR-7B';

/**
 * The judge's template as the reference's `self.prompt`: `{}` stands for the query and then the document.
 * The task instruction (classification datasets only) is put in when it is not empty, as the reference's
 * `if task_instruction`.
 */
export function judgePromptTemplate(mode: 'yesno' | 'verbalized', instruction = ''): string {
  return judgePromptParts(mode, instruction).join('{}');
}

/**
 * The judge prompt for one document. As the reference, a document is cut when its length plus the
 * template's (with its two `{}`) plus the query's exceeds MAX_INPUT_CHARS, to the room the template and the
 * query leave. Lengths count code points, as Python's len.
 */
export function buildJudgePrompt(
  mode: 'yesno' | 'verbalized',
  query: string,
  document: string,
  instruction = '',
): string {
  const [head, middle, tail] = judgePromptParts(mode, instruction);
  const template = `${head}{}${middle}{}${tail}`;
  return `${head}${query}${middle}${truncateDocument(document, template, query)}${tail}`;
}

/** The template's text before the query, between query and document, and after the document. */
function judgePromptParts(mode: 'yesno' | 'verbalized', instruction: string): [string, string, string] {
  const task = instruction ? `Judge the relevance according to the following task: ${instruction} ` : '';
  return mode === 'yesno'
    ? [
        'Here is a user query and a document. Is this document relevant for this query? ' +
          `${task}Answer with only yes/no, without any preceding tokens. Query: `,
        '\nDocument: ',
        '\nRelevant? (Yes/No):',
      ]
    : [
        'Here is a user query and a document. On a scale of 0 to 100, to what extent is this document ' +
          `relevant for this query? ${task}Reply with your rating score without any preceding explanation. ` +
          'Query: ',
        '\nDocument: ',
        '\nRelevance rating (0-100):',
      ];
}

/**
 * FollowIR-7B's prompt (the reference's FollowIRRerankerModel template, from the FollowIR paper): a raw
 * Mistral-instruct prompt with its own `<s>` and a trailing space, for the completions endpoint. The
 * reference sends no task instruction and cuts nothing here (its tokenizer truncates only past the model's
 * maximum length).
 */
export function buildFollowIrPrompt(query: string, document: string): string {
  return (
    '<s> [INST] You are an expert Google searcher, whose job is to determine if the following document is ' +
    'relevant to the query (true/false). Answer using only one word, one of those two choices.\n\n' +
    `Query: ${query}\nDocument: ${document}\n` +
    'Relevant (only output one word, either "true" or "false"): [/INST] '
  );
}

/** The reference's HyDE prompt (generate_hypothetical_documents). */
export function buildHydePrompt(query: string): string {
  return (
    'Write a representative document passage that would be relevant to the following query. ' +
    'The passage should capture key concepts and terminology that relevant documents would contain.\n\n' +
    `Query: ${query}\n\n` +
    'Passage:'
  );
}

function truncateDocument(document: string, template: string, query: string): string {
  // Code points never outnumber UTF-16 units: most documents need no counting.
  if (document.length + template.length + query.length <= MAX_INPUT_CHARS) return document;
  const doc = Array.from(document);
  const fixed = Array.from(template).length + Array.from(query).length;
  if (doc.length + fixed <= MAX_INPUT_CHARS) return document;
  // The server bounds query and instruction far below the limit, so the room is never negative (where
  // Python's doc[:negative] would cut from the end).
  return doc.slice(0, Math.max(0, MAX_INPUT_CHARS - fixed)).join('');
}
