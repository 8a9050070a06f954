/**
 * {@link Output}: a command's results, as lines for people or as JSON for
 * scripts (`--json`).
 *
 * @module
 */

import type { CliIO } from './cli-io.js';

/** Writes a command's results to standard output. */
export class Output {
  constructor(
    private readonly io: CliIO,
    /** Whether `--json` was given. */
    readonly json: boolean,
  ) {}

  /** Writes lines of human output (nothing in JSON mode). */
  lines(...lines: readonly string[]): void {
    if (this.json) return;
    for (const line of lines) this.io.stdout.write(`${line}\n`);
  }

  /** Writes one JSON document (JSON mode only), pretty-printed. */
  document(value: unknown): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(value, jsonValue, 2)}\n`);
  }

  /** Writes one JSON value on one line (JSON Lines, for streams of records; JSON mode only). */
  record(value: unknown): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(value, jsonValue)}\n`);
  }
}

/** JSON has no bigint: write any that slips through as a decimal string. */
function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
