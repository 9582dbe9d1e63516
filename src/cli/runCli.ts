import { describeRunSpecError, RunSpecError, type RunSpecField } from '../core/experiment/runSpecError';

/**
 * The flag that sets a run record's field: `num_steps` is `--num-steps`, `llm_thinking` `--thinking`,
 * `embedding_pooling` `--pooling`.
 */
export function flagOf(field: RunSpecField): string {
  if (field === 'llm_thinking') return '--thinking';
  if (field === 'embedding_pooling') return '--pooling';
  return `--${field.replace(/_/g, '-')}`;
}

/**
 * Settings as the engine's messages name them in words (they are shown in the browser too), and the same
 * words with the flag that sets them on the command line.
 */
const SETTINGS_IN_WORDS: readonly (readonly [string, string])[] = [
  ['the server URL', 'the server URL (--server-url)'],
  ['give the URL of a running one', 'give the URL of a running one (--server-url)'],
  ['(thinking: off)', '(--thinking off)'],
  ['its pooling must be given', 'its pooling must be given (--pooling)'],
  ['a document cap', 'a document cap (--max-documents)'],
];

/**
 * An error's message for the command line: the engine's run-record fields become the flags that set them,
 * and the settings its messages name in words get their flags.
 */
export function cliMessage(error: unknown): string {
  if (error instanceof RunSpecError) return describeRunSpecError(error, flagOf);
  const message = error instanceof Error ? error.message : String(error);
  return SETTINGS_IN_WORDS.reduce((text, [words, withFlag]) => text.replaceAll(words, withFlag), message);
}

/**
 * Runs a CLI entry point: user errors print one readable line (no stack trace) and exit with status 1;
 * DEBUG=1 shows the stack.
 */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    const message = cliMessage(error);
    process.stderr.write(`\nError: ${message}\n`);
    if (process.env.DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  }
}
