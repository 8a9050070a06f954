/** The core object workloads on the embedded default, FileStorage. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStorage } from 'zodb';
import type { BenchSuite } from '../reporter.js';
import { runObjectWorkloadsWarm } from '../workloads/objects.js';

const suite: BenchSuite = async (reporter, { quick }) => {
  const dir = mkdtempSync(join(tmpdir(), 'zodb-bench-objects-'));
  let files = 0;
  try {
    await runObjectWorkloadsWarm(reporter, {
      variant: 'file',
      makeStorage: () => FileStorage.open(join(dir, `Data-${++files}.fs`)),
      transactions: quick ? 10 : 100,
      objectsPerTransaction: 1000,
      smallCommits: quick ? 200 : 2000,
      references: { add: 44_000, update: 36_000, 'cold read': 61_000 },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export default suite;
