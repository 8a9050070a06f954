import { describe, expect, it } from 'vitest';

import {
  AlreadyInTransaction,
  NoTransaction,
  TransactionManager,
} from '../../src/transaction/index.js';
import { RecordingDataManager } from './recording-data-manager.js';

describe('an implicit transaction manager (the default mode)', () => {
  it('is not explicit', () => {
    expect(new TransactionManager().explicit).toBe(false);
  });

  it('makes a transaction on get() when there is none, and keeps returning it', () => {
    const tm = new TransactionManager();
    const txn = tm.get();
    expect(tm.get()).toBe(txn);
  });

  it('aborts the current transaction on begin() and makes a new one', () => {
    const log: string[] = [];
    const tm = new TransactionManager();
    const first = tm.get();
    first.join(new RecordingDataManager('dm', log));
    const second = tm.begin();
    expect(log).toEqual(['dm.abort']);
    expect(second).not.toBe(first);
    expect(tm.get()).toBe(second);
  });

  it('commits and aborts its current transaction', async () => {
    const log: string[] = [];
    const tm = new TransactionManager();
    tm.get().join(new RecordingDataManager('a', log));
    await tm.commit();
    tm.get().join(new RecordingDataManager('b', log));
    await tm.abort();
    expect(log).toEqual(['a.tpcBegin', 'a.commit', 'a.tpcVote', 'a.tpcFinish', 'b.abort']);
  });

  it('takes savepoints of its current transaction', () => {
    const tm = new TransactionManager();
    expect(tm.savepoint().valid).toBe(true);
  });
});

describe('an explicit transaction manager', () => {
  it('throws NoTransaction from get, commit, abort, doom, isDoomed and savepoint outside a transaction', async () => {
    const tm = new TransactionManager({ explicit: true });
    expect(tm.explicit).toBe(true);
    expect(() => tm.get()).toThrow(NoTransaction);
    expect(() => tm.doom()).toThrow(NoTransaction);
    expect(() => tm.isDoomed()).toThrow(NoTransaction);
    expect(() => tm.savepoint()).toThrow(NoTransaction);
    await expect(tm.commit()).rejects.toThrow(NoTransaction);
    await expect(tm.abort()).rejects.toThrow(NoTransaction);
  });

  it('throws AlreadyInTransaction from begin() inside a transaction', () => {
    const tm = new TransactionManager({ explicit: true });
    const txn = tm.begin();
    expect(() => tm.begin()).toThrow(AlreadyInTransaction);
    expect(tm.get()).toBe(txn);
  });

  it('needs a new begin() after a commit or an abort', async () => {
    const tm = new TransactionManager({ explicit: true });
    tm.begin();
    await tm.commit();
    expect(() => tm.get()).toThrow(NoTransaction);
    tm.begin();
    await tm.abort();
    expect(() => tm.get()).toThrow(NoTransaction);
    expect(tm.begin().status).toBe('Active');
  });
});

describe('separate transaction managers', () => {
  it('have separate current transactions', () => {
    const one = new TransactionManager();
    const two = new TransactionManager();
    expect(one.get()).not.toBe(two.get());
  });
});
