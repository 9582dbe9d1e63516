import type { Embedder } from './types';

/**
 * Instruction templates, the reference's scheme: a query is embedded as its model's query template filled
 * with the dataset's task instruction and the query text; a document as the document template filled with
 * its text. `{text}` and `{instruction}` are the only placeholders.
 */

/** The default query template (instruction-tuned models such as Qwen3-Embedding). */
export const DEFAULT_QUERY_TEMPLATE = 'Instruct: {instruction}\nQuery: {text}';
/** The default document template: the text as it is. */
export const DEFAULT_DOCUMENT_TEMPLATE = '{text}';
/** The instruction used when a dataset has none. */
export const FALLBACK_INSTRUCTION = 'Given a query, retrieve relevant documents';

export interface EmbeddingTemplates {
  query: string;
  document: string;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Throws a readable error unless `template` has `{text}` and no placeholder other than `{instruction}`. */
export function validateTemplate(template: string, what: string): void {
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (match[1] !== 'text' && match[1] !== 'instruction') {
      throw new Error(
        `${what} "${template}" has an unknown placeholder {${match[1]}}; use {text} and {instruction}`,
      );
    }
  }
  if (!template.includes('{text}')) throw new Error(`${what} "${template}" must contain {text}`);
}

/** `template` with `{text}` and `{instruction}` filled in (in one pass: the text may contain braces). */
export function applyTemplate(template: string, text: string, instruction: string): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    name === 'text' ? text : name === 'instruction' ? instruction : whole,
  );
}

/**
 * The text an embedding model is given: `template` filled in (`applyTemplate`), then every "\n" replaced by
 * a space, as the reference's embedder does (langchain's `HuggingFaceEmbeddings.embed_documents` replaces
 * newlines after the reference templated the text). Every neural embedder (transformers.js and remote)
 * embeds this text and keys its caches by it; LSA does not use templates. `keepNewlines`: the text as
 * templated, for the one model the reference embeds through sentence-transformers instead of langchain
 * (llama-embed-nemotron-8b, see `keepsNewlines` in remoteModels.ts), whose newlines reach the model.
 */
export function embedderInput(
  template: string,
  text: string,
  instruction: string,
  keepNewlines = false,
): string {
  const templated = applyTemplate(template, text, instruction);
  return keepNewlines ? templated : templated.replaceAll('\n', ' ');
}

/**
 * The templates with `{instruction}` filled in and `{text}` left, as the reference's config records its
 * `query_template` and `document_template`.
 */
export function fillInstruction(templates: EmbeddingTemplates, instruction: string): EmbeddingTemplates {
  const fill = (template: string) => template.replaceAll('{instruction}', instruction);
  return { query: fill(templates.query), document: fill(templates.document) };
}

/**
 * What config.json records of the templates a run embedded with (instruction filled in; see
 * `Embedder.templates`): null for an embedder that takes texts as they are (LSA).
 */
export function templatesConfig(embedder: Embedder): {
  query_template: string | null;
  document_template: string | null;
} {
  return {
    query_template: embedder.templates?.query ?? null,
    document_template: embedder.templates?.document ?? null,
  };
}

/** Turns the escapes `\n`, `\t` and `\\` typed on a command line into the characters they stand for. */
export function unescapeTemplate(typed: string): string {
  return typed.replace(/\\([nt\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
}
