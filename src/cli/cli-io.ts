/**
 * Where the `zodb` command writes: standard output for results, standard
 * error for progress and failures. Tests pass their own to run commands
 * in-process.
 *
 * @module
 */

/** Something text can be written to. */
export interface TextSink {
  write(text: string): unknown;
}

/** The command's streams. */
export interface CliIO {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Whether standard error is a terminal (progress bars are drawn only then). */
  readonly stderrIsTTY: boolean;
}

/** The process's own streams. */
export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stderrIsTTY: process.stderr.isTTY === true,
  };
}
