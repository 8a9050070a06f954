/**
 * Loads racing invalidations: writer processes keep changing a
 * multi-object invariant (every counter of a group holds the same value)
 * while readers (one in this process, two in their own processes) check it
 * in fresh transactions, emptying their object caches now and then so
 * loads go through the client cache and to the server. Every read sees a
 * consistent snapshot, snapshots never go back in time, and the readers
 * see the writers' progress.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClientStorage } from '../../src/client/client-storage.js';
import { DB } from '../../src/connection/db.js';
import { FileStorage } from '../../src/storage/file/file-storage.js';
import { TransactionManager } from '../../src/transaction/index.js';
import { LineChild } from './support/child-process.js';
import { createCounters, readSnapshot } from './support/counters.js';
import { startServerProcess } from './support/server-process.js';

/** One group per writer: writers never conflict, so every commit is a new value. */
const GROUPS = ['a', 'b'];
const COUNTERS = 5;
/** New values the in-process reader must see in each group before the test stops. */
const PROGRESS = 10;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zodb-integration-race-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The values of `group` in a child reader's `seen` lines, in order. */
function valuesSeen(reader: LineChild, group: string): number[] {
  const pattern = new RegExp(`\\b${group}=(\\d+)\\b`);
  return reader.lines
    .filter((line) => line.startsWith('seen '))
    .map((line) => Number(pattern.exec(line)?.[1] ?? NaN));
}

function isNonDecreasing(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || v >= values[i - 1]!);
}

describe('loads racing invalidations', () => {
  it('show every reader consistent snapshots that move forward while writers commit', async () => {
    const dataPath = path.join(dir, 'Data.fs');
    await createCounters(new FileStorage(dataPath, { create: true }), GROUPS, COUNTERS);
    const server = await startServerProcess({ 1: dataPath });
    const writers = GROUPS.map(
      (group) => new LineChild('counter-writer-child', [server.address, group], `writer ${group}`),
    );
    const readers = [0, 1].map(
      (i) => new LineChild('counter-reader-child', [server.address], `reader ${i}`),
    );
    const storage = new ClientStorage({ address: server.address, waitTimeout: 10 });
    const db = new DB(storage);
    const tm = new TransactionManager({ explicit: true });
    const conn = db.open({ transactionManager: tm });
    const seen = new Map(GROUPS.map((group) => [group, [] as number[]]));
    const torn: string[] = [];
    try {
      await Promise.all(readers.map((r) => r.waitForLine((line) => line === 'ready')));
      const deadline = Date.now() + 30_000;
      let reads = 0;
      while ([...seen.values()].some((values) => new Set(values).size < PROGRESS)) {
        if (Date.now() > deadline) throw new Error(`too little progress after ${reads} reads`);
        tm.begin();
        const read = readSnapshot(conn.root);
        await tm.abort();
        torn.push(...read.torn);
        for (const [group, value] of read.values) seen.get(group)!.push(value);
        if (++reads % 5 === 0) conn.cacheMinimize();
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      for (const child of [...writers, ...readers]) child.send('stop');
      const exits = await Promise.all([...writers, ...readers].map((c) => c.exited));
      expect(exits.every((e) => e.code === 0)).toBe(true);
    } finally {
      for (const child of [...writers, ...readers]) child.signal('SIGKILL');
      conn.close();
      await db.close();
      await server.terminate();
    }

    expect(torn).toEqual([]);
    for (const reader of readers) {
      expect(reader.lines.filter((line) => line.startsWith('torn'))).toEqual([]);
    }
    for (const [index, group] of GROUPS.entries()) {
      const final = Number(/^done (\d+)$/.exec(writers[index]!.lines.at(-1) ?? '')?.[1]);
      const mine = seen.get(group)!;
      expect(isNonDecreasing(mine)).toBe(true);
      expect(Math.max(...mine)).toBeLessThanOrEqual(final);
      for (const reader of readers) {
        const theirs = valuesSeen(reader, group);
        expect(isNonDecreasing(theirs)).toBe(true);
        expect(new Set(theirs).size).toBeGreaterThan(1);
        expect(Math.max(...theirs)).toBeLessThanOrEqual(final);
      }
    }
  });
});
