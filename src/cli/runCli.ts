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

/** An error's message for the command line: the engine's run-record fields become the flags that set them. */
export function cliMessage(error: unknown): string {
  if (error instanceof RunSpecError) return describeRunSpecError(error, flagOf);
  return error instanceof Error ? error.message : String(error);
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
