/**
 * Running the `zodb` command: as a real child process (`node --import tsx
 * src/cli/main.ts`, as the package `bin` runs it built), or in-process
 * through `runCli` with captured output, which is much faster.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/program.js';

const repository = path.resolve(import.meta.dirname, '../../..');
const main = path.join(repository, 'src/cli/main.ts');

/** What a run printed and its exit status. */
export interface ZodbRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** At most this many child processes at once (the machine has 2 cores). */
const CONCURRENCY_MAX = 3;
let running = 0;
const waiting: (() => void)[] = [];

async function slot(): Promise<() => void> {
  if (running >= CONCURRENCY_MAX) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  return () => {
    running--;
    waiting.shift()?.();
  };
}

/** Runs `zodb ...args` as a child process. */
export async function runZodbProcess(args: readonly string[]): Promise<ZodbRun> {
  const release = await slot();
  try {
    return await new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', main, ...args],
        { cwd: repository, env: { ...process.env, ZODB_DEBUG: '' }, timeout: 60_000 },
        (error, stdout, stderr) => {
          if (error !== null && typeof error.code !== 'number') reject(error);
          else resolve({ status: error === null ? 0 : (error.code as number), stdout, stderr });
        },
      );
    });
  } finally {
    release();
  }
}

/**
 * Runs `zodb ...args` in this process with captured output; with `tty`,
 * standard error looks like an 80-column terminal.
 */
export async function runZodb(
  args: readonly string[],
  options: { tty?: boolean } = {},
): Promise<ZodbRun> {
  let stdout = '';
  let stderr = '';
  const write = (text: string) => (stderr += text);
  const terminal = {
    isTTY: true,
    columns: 80,
    write,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  };
  const status = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: options.tty === true ? terminal : { write },
    stderrIsTTY: options.tty === true,
  });
  return { status, stdout, stderr };
}
