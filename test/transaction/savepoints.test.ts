import { describe, expect, it } from 'vitest';

import {
  InvalidSavepointRollbackError,
  TransactionFailedError,
  TransactionManager,
} from '../../src/transaction/index.js';
import { RecordingDataManager, ValueDataManager } from './recording-data-manager.js';

function transactionWithValue(initial: unknown = 'start') {
  const log: string[] = [];
  const tm = new TransactionManager();
  const txn = tm.get();
  const dm = new ValueDataManager('dm', log);
  dm.value = initial;
  txn.join(dm);
  return { log, tm, txn, dm };
}

describe('savepoints', () => {
  it('roll back every data manager to its state when the savepoint was taken', () => {
    const { txn, dm } = transactionWithValue();
    const other = new ValueDataManager('other');
    other.value = 1;
    txn.join(other);
    const savepoint = txn.savepoint();
    dm.value = 'changed';
    other.value = 2;
    savepoint.rollback();
    expect(dm.value).toBe('start');
    expect(other.value).toBe(1);
    expect(txn.status).toBe('Active');
  });

  it('recover from a failed step while keeping the rest of the transaction (the documented story)', async () => {
    const { txn, dm } = transactionWithValue([]);
    const items: string[] = [];
    for (const item of ['ok-1', 'bad', 'ok-2']) {
      const savepoint = txn.savepoint();
      try {
        items.push(item);
        dm.value = [...items];
        if (item === 'bad') throw new Error('invalid item');
      } catch {
        savepoint.rollback();
        items.pop();
      }
    }
    await txn.commit();
    expect(dm.committed).toEqual(['ok-1', 'ok-2']);
  });

  it('can be rolled back more than once', () => {
    const { txn, dm } = transactionWithValue();
    const savepoint = txn.savepoint();
    dm.value = 'first change';
    savepoint.rollback();
    dm.value = 'second change';
    savepoint.rollback();
    expect(dm.value).toBe('start');
    expect(savepoint.valid).toBe(true);
  });

  it('invalidate the later savepoints when an earlier one is rolled back, but not the earlier ones', () => {
    const { txn, dm } = transactionWithValue();
    const first = txn.savepoint();
    dm.value = 'one';
    const second = txn.savepoint();
    dm.value = 'two';
    const third = txn.savepoint();
    second.rollback();
    expect(dm.value).toBe('one');
    expect(third.valid).toBe(false);
    expect(() => third.rollback()).toThrow(InvalidSavepointRollbackError);
    expect(first.valid).toBe(true);
    first.rollback();
    expect(dm.value).toBe('start');
    expect(second.valid).toBe(false);
  });

  it('are all invalidated by commit', async () => {
    const { txn } = transactionWithValue();
    const savepoint = txn.savepoint();
    await txn.commit();
    expect(savepoint.valid).toBe(false);
    expect(() => savepoint.rollback()).toThrow(InvalidSavepointRollbackError);
  });

  it('are all invalidated by abort', async () => {
    const { txn } = transactionWithValue();
    const savepoint = txn.savepoint();
    await txn.abort();
    expect(() => savepoint.rollback()).toThrow(InvalidSavepointRollbackError);
  });

  it('are refused with a TypeError when a data manager cannot take savepoints, which fails the transaction', () => {
    const { txn } = transactionWithValue();
    txn.join(new RecordingDataManager('plain'));
    expect(() => txn.savepoint()).toThrow(TypeError);
    expect(txn.status).toBe('Commit failed');
    expect(() => txn.savepoint()).toThrow(TransactionFailedError);
  });

  it('are taken anyway when optimistic, but rolling back then throws a TypeError and fails the transaction', () => {
    const { txn, dm } = transactionWithValue();
    txn.join(new RecordingDataManager('plain'));
    const savepoint = txn.savepoint(true);
    dm.value = 'changed';
    expect(() => savepoint.rollback()).toThrow(TypeError);
    expect(txn.status).toBe('Commit failed');
  });

  it('abort a data manager that joined after the savepoint when rolled back, and drop it from the transaction', async () => {
    const { log, txn } = transactionWithValue();
    const savepoint = txn.savepoint();
    const late = new RecordingDataManager('late', log);
    txn.join(late);
    savepoint.rollback();
    expect(log).toContain('late.abort');
    log.length = 0;
    await txn.commit();
    expect(log.some((call) => call.startsWith('late.'))).toBe(false);
    expect(log).toContain('dm.tpcFinish');
  });

  it('leave a data manager alone when a savepoint taken after it joined is rolled back', () => {
    const { log, txn } = transactionWithValue();
    const before = txn.savepoint();
    const late = new ValueDataManager('late', log);
    txn.join(late);
    const after = txn.savepoint();
    late.value = 'x';
    after.rollback();
    expect(log).not.toContain('late.abort');
    expect(late.value).toBe(undefined);
    before.rollback();
    expect(log).toContain('late.abort');
  });

  it('return a promise from rollback when a late-joined data manager aborts asynchronously', async () => {
    const { log, txn } = transactionWithValue();
    const savepoint = txn.savepoint();
    txn.join(new RecordingDataManager('slow', log, { async: true }));
    const result = savepoint.rollback();
    expect(result).toBeInstanceOf(Promise);
    await result;
    expect(log).toContain('slow.abort');
  });

  it('fail the transaction when a data manager fails to take its savepoint', () => {
    const { txn, dm } = transactionWithValue();
    const failure = new Error('no space for savepoint');
    dm.savepointFailure = failure;
    expect(() => txn.savepoint()).toThrow(failure);
    expect(txn.status).toBe('Commit failed');
  });

  it('fail the transaction when a data manager fails to roll back', async () => {
    const { txn, dm } = transactionWithValue();
    const savepoint = txn.savepoint();
    const failure = new Error('cannot restore');
    dm.rollbackFailure = failure;
    expect(() => savepoint.rollback()).toThrow(failure);
    expect(txn.status).toBe('Commit failed');
    await expect(txn.commit()).rejects.toThrow(TransactionFailedError);
  });

  it('of an empty transaction work', () => {
    const txn = new TransactionManager().get();
    const savepoint = txn.savepoint();
    expect(savepoint.rollback()).toBeUndefined();
  });
});
