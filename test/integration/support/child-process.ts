/**
 * Child processes for the integration tests. Each TypeScript child script
 * is bundled once per test process with esbuild (a devDependency; much
 * faster than compiling module by module, and a child then starts as a
 * plain `node` process, without tsx) into
 * `node_modules/.cache/zodb-integration/<pid>/`, where bare imports such as
 * `msgpackr` still resolve. The client's network worker is bundled beside
 * the scripts as `client-worker.js`, which is where a ClientStorage inside
 * a bundled script looks for it. A started child is read line by line from
 * its standard output.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPOSITORY = path.resolve(HERE, '../../..');
const OUT = path.join(
  REPOSITORY,
  'node_modules',
  '.cache',
  'zodb-integration',
  String(process.pid),
);
const compiled = new Map<string, string>();

interface Bundler {
  buildSync(options: Record<string, unknown>): unknown;
}

function bundle(entry: string, outfile: string): void {
  const esbuild = createRequire(import.meta.url)('esbuild') as Bundler;
  esbuild.buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
}

/** The bundled JavaScript of `test/integration/support/<name>.ts`. */
export function childScript(name: string): string {
  let script = compiled.get(name);
  if (script === undefined) {
    if (compiled.size === 0) {
      fs.mkdirSync(OUT, { recursive: true });
      process.once('exit', () => fs.rmSync(OUT, { recursive: true, force: true }));
      fs.writeFileSync(path.join(OUT, 'package.json'), '{ "type": "module" }\n');
      bundle(
        path.join(REPOSITORY, 'src/client/client-worker.ts'),
        path.join(OUT, 'client-worker.js'),
      );
    }
    script = path.join(OUT, `${name}.js`);
    bundle(path.join(HERE, `${name}.ts`), script);
    compiled.set(name, script);
  }
  return script;
}

/** How a child process ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running child script whose standard output is read line by line. */
export class LineChild {
  /** The label of the child in error messages. */
  readonly name: string;
  /** Every line printed so far. */
  readonly lines: string[] = [];
  /** The standard error printed so far (for failure messages). */
  stderr = '';
  /** Settles when the process has ended. */
  readonly exited: Promise<ChildExit>;
  private readonly process: ChildProcess;
  private readonly waiters = new Set<() => void>();
  private ended: ChildExit | undefined;

  /**
   * Starts `support/<script>.ts` (bundled) with `args`; `name` labels it
   * in error messages (default: the script's name).
   */
  constructor(script: string, args: readonly string[], name = script) {
    this.name = name;
    this.process = spawn(process.execPath, [childScript(script), ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    createInterface({ input: this.process.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.wake();
    });
    this.process.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    this.exited = new Promise((resolve) => {
      this.process.on('exit', (code, signal) => {
        this.ended = { code, signal };
        this.wake();
        resolve(this.ended);
      });
    });
  }

  /** The process id. */
  get pid(): number {
    return this.process.pid!;
  }

  /**
   * Waits until some printed line satisfies `predicate` and returns the
   * first one that does.
   *
   * @throws Error naming the child and its standard error when the child
   *   ends first or `timeoutMs` passes (a guard against a hang, not a
   *   measurement).
   */
  async waitForLine(predicate: (line: string) => boolean, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(predicate);
      if (found !== undefined) return found;
      if (this.ended !== undefined) {
        throw new Error(
          `${this.name} (pid ${this.pid}) ended (${this.ended.code ?? this.ended.signal}) ` +
            `before printing the expected line; stderr:\n${this.stderr}`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `${this.name} (pid ${this.pid}) did not print the expected line within ${timeoutMs} ms; ` +
            `last lines: ${this.lines.slice(-3).join(' | ')}; stderr:\n${this.stderr}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  /** Writes one line to the child's standard input. */
  send(line: string): void {
    this.process.stdin!.write(`${line}\n`);
  }

  /** Sends `signal` to the child. */
  signal(signal: NodeJS.Signals): void {
    if (this.ended === undefined) this.process.kill(signal);
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) waiter();
  }
}
