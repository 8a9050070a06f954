/**
 * `npm run bench`: runs every suite in `bench/suites/` (each in its own
 * process, so one suite's JIT state and heap do not colour another's), then
 * prints a table and the figures as JSON.
 *
 * Usage: npm run bench -- [--quick] [--json FILE] [suite ...]
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, type BenchFigure } from './reporter.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonIndex = args.indexOf('--json');
const jsonFile = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;
const wanted = args.filter((a, i) => !a.startsWith('--') && (jsonIndex < 0 || i !== jsonIndex + 1));
const suites = readdirSync(join(here, 'suites'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .filter((s) => wanted.length === 0 || wanted.includes(s))
  .sort();

const figures: BenchFigure[] = [];
for (const suite of suites) {
  process.stderr.write(`== ${suite}\n`);
  const child = spawnSync(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      '--expose-gc',
      join(here, 'run-suite.ts'),
      suite,
      ...(quick ? ['--quick'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const lines = child.stdout.trim().split('\n');
  if (child.status !== 0) {
    process.stderr.write(`suite ${suite} failed (exit ${child.status})\n`);
    process.exitCode = 1;
    continue;
  }
  figures.push(...(JSON.parse(lines[lines.length - 1] ?? '[]') as BenchFigure[]));
}

const rows = figures.map((f) => {
  const ratio =
    f.reference === undefined
      ? ''
      : `${(f.better === 'lower' ? f.reference / f.value : f.value / f.reference).toFixed(2)}x`;
  const met =
    f.target === undefined
      ? ''
      : (f.better === 'lower' ? f.value <= f.target : f.value >= f.target)
        ? 'yes'
        : 'NO';
  return [
    f.suite,
    f.workload,
    f.variant,
    `${fmt(f.value)} ${f.unit}`,
    f.reference === undefined ? '' : fmt(f.reference),
    ratio,
    f.target === undefined ? '' : fmt(f.target),
    met,
    f.sameRun ?? '',
  ];
});
const header = [
  'suite',
  'workload',
  'variant',
  'value',
  'reference',
  'vs ref',
  'target',
  'met',
  'same run',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(line(row));
console.log();
console.log(
  JSON.stringify(
    { date: new Date().toISOString(), node: process.version, quick, figures },
    null,
    2,
  ),
);
if (jsonFile !== undefined) writeFileSync(jsonFile, JSON.stringify(figures, null, 2));
