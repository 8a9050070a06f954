import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  TransactionError,
  TransactionFailedError,
  TransactionManager,
} from '../../src/transaction/index.js';
import { RecordingDataManager, ValueDataManager } from './recording-data-manager.js';

let consoleError: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  consoleError.mockRestore();
});

async function failedTransaction() {
  const tm = new TransactionManager();
  const txn = tm.get();
  const failure = new Error('vote refused');
  txn.join(new RecordingDataManager('dm', [], { failIn: ['tpcVote'], failure }));
  await expect(txn.commit()).rejects.toBe(failure);
  return { tm, txn, failure };
}

describe('a transaction whose commit failed', () => {
  it('refuses to commit again, naming the original failure as the cause', async () => {
    const { txn, failure } = await failedTransaction();
    const refusal = await txn.commit().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(TransactionFailedError);
    expect((refusal as TransactionFailedError).cause).toBe(failure);
    expect((refusal as Error).message).toContain('vote refused');
  });

  it('refuses new data managers', async () => {
    const { txn } = await failedTransaction();
    expect(() => txn.join(new RecordingDataManager('late'))).toThrow(TransactionFailedError);
  });

  it('refuses savepoints', async () => {
    const { txn } = await failedTransaction();
    expect(() => txn.savepoint()).toThrow(TransactionFailedError);
  });

  it('stays the current transaction of its manager until aborted', async () => {
    const { tm, txn } = await failedTransaction();
    expect(tm.get()).toBe(txn);
    await expect(tm.commit()).rejects.toThrow(TransactionFailedError);
  });

  it('can be aborted, which frees the manager to start a new transaction', async () => {
    const { tm, txn } = await failedTransaction();
    await txn.abort();
    const next = tm.get();
    expect(next).not.toBe(txn);
    next.join(new RecordingDataManager('fresh'));
    await next.commit();
    expect(next.status).toBe('Committed');
  });

  it('is also failed by an error in a before-commit hook, after which after-commit hooks see false', async () => {
    const tm = new TransactionManager();
    const txn = tm.get();
    const log: string[] = [];
    const dm = new ValueDataManager('dm', log);
    txn.join(dm);
    const failure = new Error('hook refused');
    txn.addBeforeCommitHook(() => {
      throw failure;
    });
    txn.addAfterCommitHook((success) => log.push(`after-commit:${success}`));
    await expect(txn.commit()).rejects.toBe(failure);
    expect(txn.status).toBe('Commit failed');
    expect(log).toEqual(['dm.abort', 'dm.tpcAbort', 'after-commit:false', 'dm.abort']);
  });
});

describe('a completed transaction', () => {
  it('refuses commit, join and savepoint after it committed', async () => {
    const txn = new TransactionManager().get();
    await txn.commit();
    await expect(txn.commit()).rejects.toThrow(TransactionError);
    expect(() => txn.join(new RecordingDataManager('late'))).toThrow(/was committed/);
    expect(() => txn.savepoint()).toThrow(/was committed/);
  });

  it('refuses commit and join after it was aborted, and aborting again does nothing', async () => {
    const log: string[] = [];
    const txn = new TransactionManager().get();
    txn.join(new RecordingDataManager('dm', log));
    await txn.abort();
    await txn.abort();
    expect(log).toEqual(['dm.abort']);
    await expect(txn.commit()).rejects.toThrow(/was aborted/);
    expect(() => txn.join(new RecordingDataManager('late'))).toThrow(/was aborted/);
  });
});
