/** The core workloads on the in-memory MappingStorage. */
import { MappingStorage } from 'zodb';
import type { BenchSuite } from '../reporter.js';
import { runAttributeAccess, runObjectWorkloadsWarm } from '../workloads/objects.js';

const suite: BenchSuite = async (reporter, { quick }) => {
  await runObjectWorkloadsWarm(reporter, {
    variant: 'mapping',
    makeStorage: () => new MappingStorage(),
    transactions: quick ? 10 : 100,
    objectsPerTransaction: 1000,
    smallCommits: quick ? 200 : 2000,
    // A full-size warm-up: the in-memory storage keeps every record, so the
    // first 100,000-object pass is also where the heap grows to its size.
    warmup: 1,
    references: {
      add: 48_000,
      update: 72_000,
      'small commits': 27_000,
      'cold read': 59_000,
      'hot read': 4_900_000,
    },
  });
  runAttributeAccess(reporter);
};

export default suite;
