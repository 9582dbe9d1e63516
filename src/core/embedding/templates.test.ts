import { describe, expect, it } from 'vitest';
import { LsaEmbedder } from './lsaEmbedder';
import { resolveEmbeddingModel } from './modelRegistry';
import { keepsNewlines, remoteTemplates } from './remoteModels';
import {
  DEFAULT_DOCUMENT_TEMPLATE,
  DEFAULT_QUERY_TEMPLATE,
  embedderInput,
  fillInstruction,
  templatesConfig,
} from './templates';
import { readReferenceGolden } from '../../testing/sharedFolder';

const GOLDEN = readReferenceGolden();

describe('the text a neural embedder is given', () => {
  it('uses the reference’s default templates where a model has none of its own', () => {
    expect(DEFAULT_QUERY_TEMPLATE).toBe(GOLDEN.templates.query);
    expect(DEFAULT_DOCUMENT_TEMPLATE).toBe(GOLDEN.templates.document);
    const reference = { query: GOLDEN.templates.query, document: GOLDEN.templates.document };
    expect(resolveEmbeddingModel('someone/encoder', { pooling: 'mean' }).templates).toEqual(reference);
    expect(remoteTemplates('my-server-model')).toEqual(reference);
  });

  it('is the reference embedder’s text for every golden query and document: templated, newlines made spaces', () => {
    expect(GOLDEN.embedded_queries).toHaveLength(6);
    for (const c of GOLDEN.embedded_queries)
      expect(embedderInput(DEFAULT_QUERY_TEMPLATE, c.text, GOLDEN.instructions[c.dataset].instruction)).toBe(
        c.embedded,
      );
    for (const c of GOLDEN.embedded_documents)
      expect(embedderInput(DEFAULT_DOCUMENT_TEMPLATE, c.text, 'unused')).toBe(c.embedded);
  });

  it('keeps its newlines for llama-embed-nemotron-8b only, as the reference (sentence-transformers, not langchain)', () => {
    // The reference's get_embedder: `'llama-embed-nemotron-8b' in model_name` → SentenceTransformer.encode_document.
    for (const name of [
      'nvidia/llama-embed-nemotron-8b',
      'LiteLLM/nvidia/llama-embed-nemotron-8b',
      'Llama-Embed-Nemotron-8B',
    ])
      expect(keepsNewlines(name), name).toBe(true);
    for (const name of ['Qwen/Qwen3-Embedding-8B', 'intfloat/e5-mistral-7b-instruct', 'my-server-model'])
      expect(keepsNewlines(name), name).toBe(false);
    for (const c of GOLDEN.embedded_queries) {
      const instruction = GOLDEN.instructions[c.dataset].instruction;
      const kept = embedderInput(DEFAULT_QUERY_TEMPLATE, c.text, instruction, true);
      // The reference's `query_template.format(text=...)` as it is: `Instruct: …\nQuery: …`, newlines and all.
      expect(kept).toBe(`Instruct: ${instruction}\nQuery: ${c.text}`);
      expect(kept.replaceAll('\n', ' ')).toBe(c.embedded);
    }
    for (const c of GOLDEN.embedded_documents)
      expect(embedderInput(DEFAULT_DOCUMENT_TEMPLATE, c.text, 'unused', true)).toBe(c.text);
  });

  it('is recorded as the reference’s config records it: instruction filled in, {text} left', () => {
    const instruction = GOLDEN.instructions.NFCorpus.instruction;
    const filled = fillInstruction(
      { query: GOLDEN.templates.query, document: GOLDEN.templates.document },
      instruction,
    );
    expect(filled).toEqual({ query: `Instruct: ${instruction}\nQuery: {text}`, document: '{text}' });
    expect(
      templatesConfig(Object.assign(new LsaEmbedder({ dims: 8, seed: 1 }), { templates: filled })),
    ).toEqual({
      query_template: `Instruct: ${instruction}\nQuery: {text}`,
      document_template: '{text}',
    });
    // LSA embeds texts as they are: no template to record.
    expect(templatesConfig(new LsaEmbedder({ dims: 8, seed: 1 }))).toEqual({
      query_template: null,
      document_template: null,
    });
  });
});
