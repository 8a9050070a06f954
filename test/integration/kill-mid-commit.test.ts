/**
 * A client process killed between vote and finish: the server releases
 * the commit lock it held (another client's commit, queued behind it,
 * proceeds at once, long before the server's transaction timeout) and the
 * killed transaction never becomes visible.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClientStorage } from '../../src/client/client-storage.js';
import { MAX_TID, ZERO_TID } from '../../src/ids.js';
import { decodeRecordGeneric, encodeRecord } from '../../src/serialize/index.js';
import { FileStorage } from '../../src/storage/file/file-storage.js';
import { LineChild } from './support/child-process.js';
import { startServerProcess } from './support/server-process.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zodb-integration-kill-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a client process killed between vote and finish', () => {
  it('releases the commit lock to the next client and leaves no trace of its transaction', async () => {
    const dataPath = path.join(dir, 'Data.fs');
    await new FileStorage(dataPath, { create: true }).close();
    const server = await startServerProcess({ 1: dataPath });
    const storage = new ClientStorage({ address: server.address, waitTimeout: 10 });
    const doomed = new LineChild('voted-child', [server.address]);
    try {
      const line = await doomed.waitForLine((l) => l.startsWith('voted '));
      const oid = Number(line.slice('voted '.length));
      const before = storage.lastTransaction();

      // The same new object, from a second client: its vote queues behind the lock.
      const txn = { user: 'survivor', description: 'commits after the kill', extension: {} };
      const data = encodeRecord(
        'test.Note',
        { by: 'survivor' },
        { persistentRef: () => undefined },
      );
      await storage.tpcBegin(txn);
      storage.store(oid, ZERO_TID, data, txn);
      let voted = false;
      const vote = storage.tpcVote(txn).then(() => (voted = true));
      // Still queued a moment later (this can only miss a bug on a slow machine, never fail wrongly).
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(voted).toBe(false);

      doomed.signal('SIGKILL');
      expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' });
      await vote;
      const tid = await storage.tpcFinish(txn);

      expect(tid).toBeGreaterThan(before);
      expect(storage.loadAt(oid, MAX_TID)?.serial).toBe(tid);
      expect(decodeRecordGeneric(storage.loadAt(oid, MAX_TID)!.data!).state).toEqual({
        by: 'survivor',
      });
      expect(storage.history(oid, 10).map((h) => h.description)).toEqual([
        'commits after the kill',
      ]);
      expect([...storage.iterator()].map((t) => t.user)).toEqual(['survivor']);
    } finally {
      doomed.signal('SIGKILL');
      await storage.close();
      await server.terminate();
    }
  });
});
