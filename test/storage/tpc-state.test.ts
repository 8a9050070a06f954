import { describe, expect, it } from 'vitest';
import { TpcState } from '../../src/storage/tpc-state.js';
import { StorageError, StorageTransactionError } from '../../src/errors.js';
import type { TransactionMetaData } from '../../src/storage/interfaces.js';

function txn(description = ''): TransactionMetaData {
  return { user: '', description, extension: {} };
}

describe('TpcState', () => {
  it('makes a begun transaction current in phase begun, then voted, then none', async () => {
    const state = new TpcState({ storageName: 'mem' });
    const t = txn();
    await state.begin(t);
    expect(state.current).toBe(t);
    expect(state.phase).toBe('begun');
    state.markVoted(t);
    expect(state.phase).toBe('voted');
    state.end();
    expect(state.current).toBeUndefined();
    expect(state.lock.isLocked).toBe(false);
  });

  it('refuses to begin the same transaction twice, naming the storage', async () => {
    const state = new TpcState({ storageName: 'mem' });
    const t = txn();
    await state.begin(t);
    await expect(state.begin(t)).rejects.toThrow(StorageTransactionError);
    await expect(state.begin(t)).rejects.toThrow('mem');
  });

  it('refuses to begin a transaction that is still waiting for the lock', async () => {
    const state = new TpcState({ storageName: 'mem' });
    await state.begin(txn('a'));
    const b = txn('b');
    const waiting = state.begin(b);
    await expect(state.begin(b)).rejects.toThrow(StorageTransactionError);
    state.end();
    await waiting;
    expect(state.current).toBe(b);
  });

  it('makes a second transaction wait until the first ends', async () => {
    const state = new TpcState({ storageName: 'mem' });
    const a = txn('a');
    const b = txn('b');
    await state.begin(a);
    let bBegun = false;
    const waiting = state.begin(b).then(() => {
      bBegun = true;
    });
    await Promise.resolve();
    expect(bBegun).toBe(false);
    state.end();
    await waiting;
    expect(state.current).toBe(b);
  });

  it('require throws StorageTransactionError for a foreign or missing transaction', async () => {
    const state = new TpcState({ storageName: 'mem' });
    const t = txn();
    expect(() => state.require(t, 'store')).toThrow(/store: no transaction/);
    await state.begin(t);
    expect(() => state.require(txn(), 'store')).toThrow(StorageTransactionError);
    expect(() => state.require(t, 'store')).not.toThrow();
  });

  it('requireBegun and requireVoted check the phase', async () => {
    const state = new TpcState({ storageName: 'mem' });
    const t = txn();
    await state.begin(t);
    expect(() => state.requireVoted(t, 'tpcFinish')).toThrow(/has not voted/);
    state.markVoted(t);
    expect(() => state.requireBegun(t, 'store')).toThrow(/already voted/);
    expect(() => state.requireVoted(t, 'tpcFinish')).not.toThrow();
    expect(() => state.markVoted(t)).toThrow(StorageTransactionError);
  });

  it('a waiting begin rejects with the close error when the lock closes', async () => {
    const state = new TpcState({ storageName: 'mem' });
    await state.begin(txn());
    const waiting = state.begin(txn());
    const closed = new StorageError('mem is closed');
    state.lock.close(closed);
    await expect(waiting).rejects.toBe(closed);
  });
});
