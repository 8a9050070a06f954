import { describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors.js';
import { bytes, commit, META, tidOf } from './support/raw-client.js';
import { startTestServer } from './support/test-server.js';

describe('graceful shutdown', () => {
  it('tells clients, lets a commit in flight finish, then closes connections and storages', async () => {
    const t = await startTestServer();
    const [a, b] = [await t.client(), await t.client()];
    a.notify('tpcBegin', [1, META, null]);
    a.notify('store', [1, 1, 0n, bytes(1)]);
    await a.request('vote', [1]);
    const closed = t.server.close('maintenance');
    await b.until(() => b.notifications('shutdown').length === 1);
    expect(b.notifications('shutdown')).toEqual([['maintenance']]);
    const tid = tidOf(await a.request('tpcFinish', [1]));
    await closed;
    await Promise.all([a.closed, b.closed]);
    expect(b.notifications('invalidate').map((n) => tidOf(n[0]))).toEqual([tid]);
    expect(() => t.storage.lastTransaction()).toThrow(StorageError);
    expect(t.server.connectionCount).toBe(0);
  });

  it('aborts commits still in flight after the shutdown timeout', async () => {
    const t = await startTestServer({ shutdownTimeoutMs: 50, closeStorages: false });
    const a = await t.client();
    const committed = await commit(a, 1, [[1, 0n, bytes(1)]]);
    a.notify('tpcBegin', [2, META, null]);
    a.notify('store', [2, 1, committed, bytes(2)]);
    await a.request('vote', [2]);
    await t.server.close();
    await a.closed;
    expect(t.storage.lastTransaction()).toBe(committed);
    expect(
      t.log.entries.some((e) => e.message === 'aborting commits still in flight at shutdown'),
    ).toBe(true);
    await t.storage.close();
  });

  it('refuses new connections once closing', async () => {
    const t = await startTestServer();
    await t.server.close();
    await expect(t.connect()).rejects.toThrow();
  });
});
