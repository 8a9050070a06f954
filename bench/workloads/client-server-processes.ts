/**
 * Child processes of the client-server benchmarks (the server, the
 * concurrent writers): TypeScript entries in this directory run with
 * `node --conditions=source --import tsx`, read line by line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** A running benchmark process. */
export class BenchProcess {
  private readonly lines: string[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly child: ChildProcess;
  private exitCode: number | null | undefined;
  /** Settles when the process has ended. */
  readonly exited: Promise<number | null>;

  /** Starts `bench/workloads/<entry>.ts` with `args`; its standard error is inherited. */
  constructor(entry: string, args: readonly string[]) {
    this.child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', join(here, `${entry}.ts`), ...args],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.wake();
    });
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code) => {
        this.exitCode = code;
        this.wake();
        resolve(code);
      }),
    );
  }

  /**
   * Resolves with the first line starting with `prefix`, without it.
   *
   * @throws Error when the process ends before printing one.
   */
  async line(prefix: string): Promise<string> {
    for (;;) {
      const found = this.lines.find((l) => l.startsWith(prefix));
      if (found !== undefined) return found.slice(prefix.length);
      if (this.exitCode !== undefined) {
        throw new Error(`benchmark process ended (${this.exitCode}) before printing "${prefix}"`);
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Writes one line to the process's standard input. */
  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** Sends SIGTERM (the server shuts down gracefully) and waits for the end. */
  async stop(): Promise<void> {
    if (this.exitCode === undefined) this.child.kill('SIGTERM');
    await this.exited;
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
