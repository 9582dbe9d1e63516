import {
  DEFAULT_DOCUMENT_TEMPLATE,
  DEFAULT_QUERY_TEMPLATE,
  validateTemplate,
  type EmbeddingTemplates,
} from './templates';

/**
 * Embedding models served by an OpenAI-compatible embeddings server (vLLM, text-embeddings-inference, a
 * LiteLLM gateway, OpenAI): the engine names them `remote:<model>`, where `<model>` is what the server calls
 * the model, with the teacher proxy's prefixes (`OpenAI/<model>` → OpenAI with OPENAI_API_KEY;
 * `LiteLLM/<model>` or a bare name → EMBED_BASE_URL, else BASE_URL). The registry knows the templates of the
 * paper's large models, so that a query is embedded as the model was trained to see it.
 *
 * Templates. The reference implementation (IBM/task-aware-embedding-refinement, `instruction_templates.yaml`)
 * embeds every model's queries as `Instruct: {instruction}\nQuery: {text}` and documents as the bare text;
 * the model cards of the four large models agree (documents get no instruction):
 *  - Qwen3-Embedding-8B: `get_detailed_instruct` in the Qwen/Qwen3-Embedding-8B model card and MTEB's
 *    `mteb/models/model_implementations/qwen3_models.py` (`Instruct: {instruction}\nQuery:` with no space
 *    after the colon; the reference's template, kept here as for Qwen3-Embedding-0.6B, has one);
 *  - Llama-Embed-Nemotron-8B: MTEB's `nvidia_models.py` (`LlamaEmbedNemotron._instruction_template`:
 *    `Instruct: {instruction}\nQuery: `, documents bare for retrieval), nvidia/llama-embed-nemotron-8b card;
 *  - E5-Mistral-7B: `get_detailed_instruct` in the intfloat/e5-mistral-7b-instruct model card and MTEB's
 *    `e5_instruct.py` (`E5_INSTRUCTION = "Instruct: {instruction}\nQuery: "`);
 *  - Linq-Embed-Mistral: the Linq-AI-Research/Linq-Embed-Mistral model card and MTEB's `linq_models.py`
 *    (`Instruct: {instruction}\nQuery: `).
 * OpenAI's embedding models take no instructions (platform.openai.com/docs/guides/embeddings).
 */

/** The prefix of remote embedding model names in the engine (`--embedding-model remote:<model>`). */
export const REMOTE_PREFIX = 'remote:';

export interface RemoteModel {
  /** Short name. */
  name: string;
  /** Names servers use for it: the Hub id (vLLM and TEI serve models under it) and others. */
  aliases: string[];
  /** Output width (servers may be configured otherwise; vectors are checked for consistency, not this). */
  dims: number;
  /** The model's context length in tokens (servers truncate or refuse longer texts). */
  maxTokens: number;
  templates: EmbeddingTemplates;
  description: string;
}

const INSTRUCT_QUERY: EmbeddingTemplates = {
  query: DEFAULT_QUERY_TEMPLATE,
  document: DEFAULT_DOCUMENT_TEMPLATE,
};
const PLAIN: EmbeddingTemplates = { query: '{text}', document: '{text}' };

export const REMOTE_EMBEDDING_MODELS: readonly RemoteModel[] = [
  {
    name: 'Qwen3-Embedding-8B',
    aliases: ['Qwen/Qwen3-Embedding-8B'],
    dims: 4096,
    maxTokens: 32768,
    templates: INSTRUCT_QUERY,
    description: 'the paper’s strongest model; last-token pooling, instruction on queries',
  },
  {
    name: 'Qwen3-Embedding-4B',
    aliases: ['Qwen/Qwen3-Embedding-4B'],
    dims: 2560,
    maxTokens: 32768,
    templates: INSTRUCT_QUERY,
    description: 'instruction on queries',
  },
  {
    name: 'Qwen3-Embedding-0.6B',
    aliases: ['Qwen/Qwen3-Embedding-0.6B'],
    dims: 1024,
    maxTokens: 32768,
    templates: INSTRUCT_QUERY,
    description: 'the paper’s default, served; instruction on queries',
  },
  {
    name: 'Llama-Embed-Nemotron-8B',
    aliases: ['nvidia/llama-embed-nemotron-8b'],
    dims: 4096,
    maxTokens: 32768,
    templates: INSTRUCT_QUERY,
    description: 'bidirectional Llama-3.1-8B, mean pooling; instruction on queries (non-commercial licence)',
  },
  {
    name: 'E5-Mistral-7B',
    aliases: ['intfloat/e5-mistral-7b-instruct', 'e5-mistral-7b-instruct'],
    dims: 4096,
    maxTokens: 32768,
    templates: INSTRUCT_QUERY,
    description: 'last-token pooling; instruction on queries (4,096 tokens recommended)',
  },
  {
    name: 'Linq-Embed-Mistral',
    aliases: ['Linq-AI-Research/Linq-Embed-Mistral'],
    dims: 4096,
    maxTokens: 32768,
    templates: INSTRUCT_QUERY,
    description: 'E5-Mistral fine-tuned for retrieval; instruction on queries (non-commercial licence)',
  },
  {
    name: 'text-embedding-3-large',
    aliases: [],
    dims: 3072,
    maxTokens: 8191,
    templates: PLAIN,
    description: 'OpenAI (use OpenAI/text-embedding-3-large); no instructions',
  },
  {
    name: 'text-embedding-3-small',
    aliases: [],
    dims: 1536,
    maxTokens: 8191,
    templates: PLAIN,
    description: 'OpenAI (use OpenAI/text-embedding-3-small); no instructions',
  },
  {
    name: 'text-embedding-ada-002',
    aliases: [],
    dims: 1536,
    maxTokens: 8191,
    templates: PLAIN,
    description: 'OpenAI (use OpenAI/text-embedding-ada-002); no instructions',
  },
];

/** True for `remote:<model>` embedding model names. */
export function isRemoteEmbeddingModel(name: string): boolean {
  return name.trim().toLowerCase().startsWith(REMOTE_PREFIX);
}

/** The server's model name in `remote:<model>`; throws a readable error when it is empty. */
export function remoteModelName(name: string): string {
  const model = name.trim().slice(REMOTE_PREFIX.length).trim();
  if (!model)
    throw new Error(
      `embedding model "${name}" needs a model name after "remote:", e.g. remote:Qwen/Qwen3-Embedding-8B ` +
        'or remote:OpenAI/text-embedding-3-small',
    );
  if (/[\s\p{Cc}]/u.test(model))
    throw new Error(`embedding model "${name}": a model name has no spaces or control characters`);
  return model;
}

/**
 * The registered model a server's model name means: the name without its provider prefix (`OpenAI/`,
 * `LiteLLM/`), or any shorter suffix of it after a `/` (gateways add their own prefixes such as
 * `hosted_vllm/`), matched against names and aliases, any case.
 */
export function findRemoteModel(model: string): RemoteModel | undefined {
  const parts = model.trim().toLowerCase().split('/');
  for (let start = 0; start < parts.length; start++) {
    const key = parts.slice(start).join('/');
    const found = REMOTE_EMBEDDING_MODELS.find(
      (m) => m.name.toLowerCase() === key || m.aliases.some((a) => a.toLowerCase() === key),
    );
    if (found) return found;
  }
  return undefined;
}

/**
 * Whether the reference embeds `model`'s texts with their newlines: its `get_embedder` sends model names that
 * contain "llama-embed-nemotron-8b" to sentence-transformers' `encode_document`, which embeds the templated
 * text as it is, where every other model goes through langchain's `HuggingFaceEmbeddings`, which replaces each
 * newline by a space (see `embedderInput`). Matched as the reference does, and also by the registry's name.
 */
export function keepsNewlines(model: string): boolean {
  return (
    model.includes('llama-embed-nemotron-8b') || findRemoteModel(model)?.name === 'Llama-Embed-Nemotron-8B'
  );
}

/**
 * The templates a remote model's texts are embedded with: the registry's, else the reference's defaults
 * (`Instruct: {instruction}\nQuery: {text}` and `{text}`), with the user's overrides on top. Checked.
 */
export function remoteTemplates(
  model: string,
  overrides: { queryTemplate?: string; documentTemplate?: string } = {},
): EmbeddingTemplates {
  const registered = findRemoteModel(model);
  const templates = {
    query: overrides.queryTemplate ?? registered?.templates.query ?? DEFAULT_QUERY_TEMPLATE,
    document: overrides.documentTemplate ?? registered?.templates.document ?? DEFAULT_DOCUMENT_TEMPLATE,
  };
  validateTemplate(templates.query, 'query template');
  validateTemplate(templates.document, 'document template');
  return templates;
}
