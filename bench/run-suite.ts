/**
 * Runs one benchmark suite in this process and prints its figures as JSON
 * on the last line of stdout (progress goes to stderr).
 *
 * Usage: node --conditions=source --import tsx bench/run-suite.ts <suite> [--quick]
 */
import { BenchReporter, type BenchSuite } from './reporter.js';

const name = process.argv[2];
if (name === undefined || name.startsWith('-')) {
  process.stderr.write('usage: run-suite.ts <suite> [--quick]\n');
  process.exit(2);
}
const quick = process.argv.includes('--quick');
const module = (await import(`./suites/${name}.ts`)) as { default: BenchSuite };
const reporter = new BenchReporter();
await module.default(reporter, { quick });
process.stdout.write(`${JSON.stringify(reporter.figures)}\n`);
