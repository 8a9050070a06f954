/**
 * The state of one run of the `zodb` command, and {@link action}, which
 * turns a command's work into a commander action that reports failures as
 * one line and sets the exit status.
 *
 * @module
 */

import type { CliIO } from './cli-io.js';
import { Output } from './output.js';
import type { Progress } from './progress-bar.js';
import { startProgress } from './progress-bar.js';
import { UsageError } from './usage-error.js';

/** Exit statuses. */
export const EXIT_OK = 0;
/** The work failed, or a check found problems. */
export const EXIT_FAILURE = 1;
/** The command line was wrong. */
export const EXIT_USAGE = 2;

/** One run of the command. */
export class CliContext {
  exitCode = EXIT_OK;
  constructor(readonly io: CliIO) {}

  /** Writes `zodb <verb>: <reason>` to standard error and records the exit status. */
  fail(verb: string, reason: string, status = EXIT_FAILURE): void {
    this.io.stderr.write(`zodb ${verb}: ${reason}\n`);
    this.exitCode = Math.max(this.exitCode, status);
  }
}

/** The options every command has. */
export interface CommonOptions {
  /** `--json`. */
  readonly json?: boolean;
  /** `--no-progress` sets it false. */
  readonly progress?: boolean;
}

/** What a command's work receives besides its arguments. */
export interface CommandTools {
  readonly out: Output;
  /** Starts a progress bar (a no-op unless standard error is a terminal). */
  progress(label: string): Progress;
  /** Reports failure (one line) and sets the exit status, without throwing. */
  fail(reason: string): void;
}

/**
 * A commander action running `work(args, options, tools)`; a thrown error
 * becomes `zodb <verb>: <first line of its message>` and exit status 1
 * (2 for a UsageError). With `ZODB_DEBUG=1` the stack is printed too.
 */
export function action<O extends CommonOptions>(
  context: CliContext,
  verb: string,
  work: (args: string[], options: O, tools: CommandTools) => Promise<void>,
): (...received: unknown[]) => Promise<void> {
  return async (...received: unknown[]) => {
    const args = received
      .slice(0, -2)
      .flatMap((value) => (value === undefined ? [] : value)) as string[];
    const options = received.at(-2) as O;
    const bars: Progress[] = [];
    const tools: CommandTools = {
      out: new Output(context.io, options.json === true),
      progress: (label) => {
        const bar = startProgress(context.io, label, options.progress !== false);
        bars.push(bar);
        return bar;
      },
      fail: (reason) => context.fail(verb, reason),
    };
    try {
      await work(args, options, tools);
    } catch (error) {
      for (const bar of bars) bar.stop();
      const message = error instanceof Error ? error.message : String(error);
      context.fail(
        verb,
        message.split('\n')[0]!,
        error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE,
      );
      if (process.env.ZODB_DEBUG === '1' && error instanceof Error)
        context.io.stderr.write(`${error.stack}\n`);
    } finally {
      for (const bar of bars) bar.stop();
    }
  };
}
