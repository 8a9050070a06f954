/**
 * A progress bar on standard error for long work, drawn only when standard
 * error is a terminal and `--no-progress` was not given (cli-progress).
 *
 * @module
 */

import { Presets, SingleBar } from 'cli-progress';
import type { ProgressCallback } from '../tools/progress.js';
import type { CliIO } from './cli-io.js';

/** A started progress bar. */
export interface Progress {
  /** Feeds the bar; pass it to tools as their `onProgress`. */
  readonly update: ProgressCallback;
  /** Removes the bar. Idempotent. */
  stop(): void;
}

const NO_PROGRESS: Progress = { update: () => undefined, stop: () => undefined };

/** Starts a bar labelled `label` when `enabled` and standard error is a terminal. */
export function startProgress(io: CliIO, label: string, enabled: boolean): Progress {
  if (!enabled || !io.stderrIsTTY) return NO_PROGRESS;
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total}`,
      stream: io.stderr as NodeJS.WritableStream,
      clearOnComplete: true,
      hideCursor: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    update(done, total) {
      if (stopped) return;
      if (!started) {
        bar.start(Math.max(total, done, 1), done);
        started = true;
        return;
      }
      bar.setTotal(Math.max(total, done, 1));
      bar.update(done);
    },
    stop() {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}
