import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  cleanupErrorsOf,
  TransactionError,
  TransactionManager,
} from '../../src/transaction/index.js';
import * as transaction from '../../src/transaction/index.js';
import { RecordingDataManager } from './recording-data-manager.js';

let consoleError: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  consoleError.mockRestore();
});

describe('abort', () => {
  it('calls abort(txn) on every joined data manager', async () => {
    const log: string[] = [];
    const txn = new TransactionManager().get();
    txn.join(new RecordingDataManager('b', log));
    txn.join(new RecordingDataManager('a', log));
    await txn.abort();
    expect(log).toEqual(['b.abort', 'a.abort']);
  });

  it('finishes its synchronous part before returning, even when not awaited', () => {
    const log: string[] = [];
    const tm = new TransactionManager();
    const txn = tm.get();
    txn.join(new RecordingDataManager('connection', log));
    txn.addBeforeAbortHook(() => log.push('before-abort hook'));
    txn.addAfterAbortHook(() => log.push('after-abort hook'));
    tm.registerSynch({ afterCompletion: () => log.push('afterCompletion') });

    void tm.abort();

    expect(log).toEqual([
      'before-abort hook',
      'connection.abort',
      'after-abort hook',
      'connection.abort',
      'afterCompletion',
    ]);
    expect(tm.get()).not.toBe(txn);
  });

  it('does the same through the module-level abort()', () => {
    const log: string[] = [];
    const txn = transaction.get();
    txn.join(new RecordingDataManager('connection', log));
    void transaction.abort();
    expect(log).toEqual(['connection.abort']);
    expect(transaction.get()).not.toBe(txn);
  });

  it('runs synchronous data managers at once and awaits asynchronous ones, in join order', async () => {
    const log: string[] = [];
    const tm = new TransactionManager();
    const txn = tm.get();
    txn.join(new RecordingDataManager('sync1', log));
    txn.join(new RecordingDataManager('slow', log, { async: true }));
    txn.join(new RecordingDataManager('sync2', log));
    const pending = txn.abort();
    expect(log).toEqual(['sync1.abort']);
    expect(tm.get()).toBe(txn);
    await pending;
    expect(log).toEqual(['sync1.abort', 'slow.abort', 'sync2.abort']);
    expect(tm.get()).not.toBe(txn);
  });

  it('aborts every data manager when one fails, then rejects with the first error', async () => {
    const log: string[] = [];
    const tm = new TransactionManager();
    const txn = tm.get();
    const first = new Error('first');
    const second = new Error('second');
    txn.join(new RecordingDataManager('a', log, { failIn: ['abort'], failure: first }));
    txn.join(new RecordingDataManager('b', log, { failIn: ['abort'], failure: second }));
    txn.join(new RecordingDataManager('c', log));
    await expect(txn.abort()).rejects.toBe(first);
    expect(log).toEqual(['a.abort', 'b.abort', 'c.abort']);
    expect(cleanupErrorsOf(first)).toEqual([second]);
    expect(tm.get()).not.toBe(txn);
  });

  it('is refused while the transaction is committing', async () => {
    const tm = new TransactionManager();
    const txn = tm.get();
    txn.join(new RecordingDataManager('slow', [], { async: true }));
    const commit = txn.commit();
    await expect(txn.abort()).rejects.toThrow(TransactionError);
    await commit;
    expect(txn.status).toBe('Committed');
  });

  it('in begin(), reports a failure of an asynchronous data manager instead of throwing', async () => {
    const tm = new TransactionManager();
    const failure = new Error('slow abort failed');
    tm.get().join(
      new RecordingDataManager('slow', [], { async: true, failIn: ['abort'], failure }),
    );
    const next = tm.begin();
    expect(tm.get()).toBe(next);
    await vi.waitFor(() =>
      expect(consoleError).toHaveBeenCalledWith(expect.stringContaining('begin()'), failure),
    );
  });

  it("in begin(), throws a synchronous failure of the previous transaction's abort", () => {
    const tm = new TransactionManager();
    const failure = new Error('abort failed');
    const previous = tm.get();
    previous.join(new RecordingDataManager('dm', [], { failIn: ['abort'], failure }));
    expect(() => tm.begin()).toThrow(failure);
    expect(tm.get()).not.toBe(previous);
  });
});
