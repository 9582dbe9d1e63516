/**
 * The contract of the LLM teacher proxy (DESIGN.md, "The teacher proxy"): what `POST /api/judge` and
 * `POST /api/generate` take and return. The server implements `LlmService` by calling the upstream; the
 * engine reaches it through `LlmHttpClient`, or (CLI in Node) calls the server's implementation in-process.
 */

export const JUDGE_MODES = ['yesno', 'verbalized', 'truefalse'] as const;
/**
 * `yesno`: P(yes) / (P(yes) + P(no)) from the first tokens' log-probabilities; `verbalized`: a 0–100 rating;
 * `truefalse`: FollowIR-7B's P(true) / (P(true) + P(false)) from its raw prompt on the completions endpoint.
 */
export type JudgeMode = (typeof JUDGE_MODES)[number];

/**
 * Whether the proxy asks the upstream to switch a model's thinking off (`chat_template_kwargs`):
 * `reference` as the reference code, only for model names containing "Qwen"; `off` for every model;
 * `on` never (the model thinks if it does by default).
 */
export const THINKING_MODES = ['reference', 'off', 'on'] as const;
export type ThinkingMode = (typeof THINKING_MODES)[number];

export interface JudgeRequest {
  /** `OpenAI/<model>`, `LiteLLM/<model>` or a bare model name (the `BASE_URL` server's). */
  model: string;
  mode: JudgeMode;
  /** The task instruction, for classification datasets; empty or absent for search. */
  instruction?: string;
  query: string;
  documents: string[];
  /** Default: the server's THINKING setting (itself `reference` by default). */
  thinking?: ThinkingMode;
}

export interface JudgeResponse {
  /** One score in [0, 1] per document, or null where the LLM gave none (`errors` says why). */
  scores: (number | null)[];
  errors: (string | null)[];
  /** How many scores came from the cache. */
  cached: number;
  /**
   * How many documents the upstream's content filter refused: each scores 0.5 in yes/no mode (as the
   * reference), and is null with the reason in the other modes.
   */
  content_filtered: number;
}

export interface GenerateRequest {
  model: string;
  /** Raw prompts, sent as they are; or `queries`, each wrapped in the HyDE prompt. Exactly one of the two. */
  prompts?: string[];
  queries?: string[];
  /** Default 256 (as the reference's HyDE). */
  max_tokens?: number;
  /** Default 0.7 (as the reference's HyDE). */
  temperature?: number;
  /** Default 42. */
  seed?: number;
  /** Default: the server's THINKING setting (itself `reference` by default). */
  thinking?: ThinkingMode;
}

export interface GenerateResponse {
  texts: (string | null)[];
  errors: (string | null)[];
  cached: number;
}

/** What both the server and the engine's HTTP client offer. */
export interface LlmService {
  judge(request: JudgeRequest, signal?: AbortSignal): Promise<JudgeResponse>;
  generate(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateResponse>;
}

/** Bounds of one request; the server refuses larger ones with 400 (or 413 for the body size). */
export const LLM_LIMITS = {
  maxModelChars: 200,
  maxDocuments: 1000,
  maxQueryChars: 100_000,
  maxInstructionChars: 20_000,
  /** Longer documents are refused; documents that make the prompt too long are truncated (`buildJudgePrompt`). */
  maxDocumentChars: 1_000_000,
  maxPrompts: 1000,
  maxPromptChars: 200_000,
  maxGenerateTokens: 4096,
  maxTemperature: 2,
  bodyLimitBytes: 64 * 1024 * 1024,
} as const;

export const GENERATE_DEFAULTS = { max_tokens: 256, temperature: 0.7, seed: 42 } as const;

/**
 * A failure of a whole request, with the HTTP status the server answers with: 400 a bad request, 503 no
 * upstream configured for the model, 502 the upstream failed for every item. The message says what to do.
 */
export class LlmServiceError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'LlmServiceError';
  }
}
