/**
 * The shared benchmark reporter: each suite in `bench/suites/` records
 * figures here; `bench/run.ts` prints them as a table and as JSON.
 */

/** One measured figure. */
export interface BenchFigure {
  /** Suite name, e.g. `core`, `file-storage`, `btrees`. */
  suite: string;
  /** Workload name, e.g. `add`, `cold read`. */
  workload: string;
  /** Storage or variant measured, e.g. `mapping`, `file`, `plain object`. */
  variant: string;
  value: number;
  /** Unit of `value`, e.g. `objects/s`, `ms`, `MB/s`. */
  unit: string;
  /** The reference figure (e.g. Python ZODB's), when the issue names one. */
  reference?: number | undefined;
  /** The target for `value`, when the issue names one. */
  target?: number | undefined;
  /** `higher` (default) or `lower` is better. */
  better?: 'higher' | 'lower';
  /**
   * How the figure compares with the same workload measured in the same
   * run by another implementation, e.g. `1.52x Python`.
   */
  sameRun?: string | undefined;
  note?: string | undefined;
}

/** Collects figures. */
export class BenchReporter {
  readonly figures: BenchFigure[] = [];

  record(figure: BenchFigure): void {
    this.figures.push(figure);
    const target = figure.target === undefined ? '' : ` (target ${fmt(figure.target)})`;
    const sameRun = figure.sameRun === undefined ? '' : ` [${figure.sameRun} in this run]`;
    process.stderr.write(
      `  ${figure.suite} / ${figure.workload} / ${figure.variant}: ${fmt(figure.value)} ${figure.unit}${target}${sameRun}\n`,
    );
  }
}

/** A benchmark suite: a module in bench/suites/ default-exports one. */
export type BenchSuite = (reporter: BenchReporter, options: { quick: boolean }) => Promise<void>;

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toPrecision(3);
}

/** Runs `fn` repeatedly for about `ms` and returns operations per second. */
export async function opsPerSecond(fn: () => unknown, ms = 300): Promise<number> {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 100; i++) await fn();
    n += 100;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}
