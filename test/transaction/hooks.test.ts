import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { TransactionManager } from '../../src/transaction/index.js';
import { RecordingDataManager } from './recording-data-manager.js';

let consoleError: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  consoleError.mockRestore();
});

describe('before-commit hooks', () => {
  it('run in registration order with their arguments, before any data manager is called', async () => {
    const log: string[] = [];
    const txn = new TransactionManager().get();
    txn.join(new RecordingDataManager('dm', log));
    txn.addBeforeCommitHook((a: string, b: number) => log.push(`first ${a} ${b}`), 'x', 1);
    txn.addBeforeCommitHook(() => log.push('second'));
    await txn.commit();
    expect(log.slice(0, 3)).toEqual(['first x 1', 'second', 'dm.tpcBegin']);
  });

  it('are awaited when they return promises', async () => {
    const log: string[] = [];
    const txn = new TransactionManager().get();
    txn.join(new RecordingDataManager('dm', log));
    txn.addBeforeCommitHook(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      log.push('slow hook done');
    });
    await txn.commit();
    expect(log[0]).toBe('slow hook done');
  });

  it('may register more hooks, which run in the same commit', async () => {
    const log: string[] = [];
    const txn = new TransactionManager().get();
    txn.addBeforeCommitHook(() => {
      log.push('outer');
      txn.addBeforeCommitHook(() => log.push('added by outer'));
    });
    await txn.commit();
    expect(log).toEqual(['outer', 'added by outer']);
  });

  it('may join data managers, which are then committed', async () => {
    const log: string[] = [];
    const txn = new TransactionManager().get();
    txn.addBeforeCommitHook(() => txn.join(new RecordingDataManager('late', log)));
    await txn.commit();
    expect(log).toEqual(['late.tpcBegin', 'late.commit', 'late.tpcVote', 'late.tpcFinish']);
  });

  it('are listed by getBeforeCommitHooks() with their arguments until they run', async () => {
    const txn = new TransactionManager().get();
    const hook = (_n: number) => {};
    txn.addBeforeCommitHook(hook, 7);
    expect(txn.getBeforeCommitHooks()).toEqual([{ hook, args: [7] }]);
    await txn.commit();
    expect(txn.getBeforeCommitHooks()).toEqual([]);
  });

  it('are not called for savepoints', () => {
    const txn = new TransactionManager().get();
    const hook = vi.fn();
    txn.addBeforeCommitHook(hook);
    txn.addAfterCommitHook(hook);
    txn.savepoint();
    expect(hook).not.toHaveBeenCalled();
  });

  it('are discarded by abort', async () => {
    const tm = new TransactionManager();
    const hook = vi.fn();
    tm.get().addBeforeCommitHook(hook);
    tm.get().addAfterCommitHook(hook);
    await tm.abort();
    await tm.commit();
    expect(hook).not.toHaveBeenCalled();
  });
});

describe('after-commit hooks', () => {
  it('receive success = true and their arguments after every data manager finished', async () => {
    const log: string[] = [];
    const txn = new TransactionManager().get();
    txn.join(new RecordingDataManager('dm', log));
    txn.addAfterCommitHook((success, who: string) => log.push(`after ${success} ${who}`), 'me');
    await txn.commit();
    expect(log.indexOf('after true me')).toBe(log.indexOf('dm.tpcFinish') + 1);
  });

  it('receive success = false when the commit fails', async () => {
    const seen: boolean[] = [];
    const txn = new TransactionManager().get();
    txn.join(new RecordingDataManager('dm', [], { failIn: ['tpcVote'] }));
    txn.addAfterCommitHook((success) => seen.push(success));
    await expect(txn.commit()).rejects.toThrow('dm.tpcVote failed');
    expect(seen).toEqual([false]);
  });

  it('are followed by an abort of every data manager, so hooks cannot leave changes behind', async () => {
    const log: string[] = [];
    const txn = new TransactionManager().get();
    txn.join(new RecordingDataManager('dm', log));
    txn.addAfterCommitHook(() => log.push('hook'));
    await txn.commit();
    expect(log.slice(-2)).toEqual(['hook', 'dm.abort']);
  });

  it('do not turn a successful commit into a failure when they throw: the error is logged', async () => {
    const tm = new TransactionManager();
    const txn = tm.get();
    const failure = new Error('mail server down');
    const later = vi.fn();
    txn.addAfterCommitHook(() => {
      throw failure;
    });
    txn.addAfterCommitHook(later);
    await txn.commit();
    expect(txn.status).toBe('Committed');
    expect(later).toHaveBeenCalledWith(true);
    expect(consoleError).toHaveBeenCalledWith(
      expect.stringContaining('after-commit hook'),
      failure,
    );
    expect(tm.get()).not.toBe(txn);
  });

  it('are consumed: the next transaction does not call them', async () => {
    const tm = new TransactionManager();
    const hook = vi.fn();
    tm.get().addAfterCommitHook(hook);
    await tm.commit();
    await tm.commit();
    expect(hook).toHaveBeenCalledTimes(1);
  });
});

describe('abort hooks', () => {
  it('run before and after the data managers are aborted, with their arguments', async () => {
    const log: string[] = [];
    const txn = new TransactionManager().get();
    txn.join(new RecordingDataManager('dm', log));
    txn.addBeforeAbortHook((why: string) => log.push(`before ${why}`), 'cancel');
    txn.addAfterAbortHook((why: string) => log.push(`after ${why}`), 'cancel');
    expect(txn.getBeforeAbortHooks()).toHaveLength(1);
    expect(txn.getAfterAbortHooks()).toHaveLength(1);
    await txn.abort();
    expect(log).toEqual(['before cancel', 'dm.abort', 'after cancel', 'dm.abort']);
  });

  it('are not called when a commit fails', async () => {
    const txn = new TransactionManager().get();
    txn.join(new RecordingDataManager('dm', [], { failIn: ['commit'] }));
    const hook = vi.fn();
    txn.addBeforeAbortHook(hook);
    txn.addAfterAbortHook(hook);
    await expect(txn.commit()).rejects.toThrow('dm.commit failed');
    expect(hook).not.toHaveBeenCalled();
    await txn.abort();
    expect(hook).toHaveBeenCalledTimes(2);
  });

  it('are discarded by a commit', async () => {
    const tm = new TransactionManager();
    const hook = vi.fn();
    tm.get().addBeforeAbortHook(hook);
    await tm.commit();
    await tm.abort();
    expect(hook).not.toHaveBeenCalled();
  });

  it('report a failing before-abort hook and still abort; a failing after-abort hook rejects the abort', async () => {
    const log: string[] = [];
    const tm = new TransactionManager();
    const txn = tm.get();
    txn.join(new RecordingDataManager('dm', log));
    const before = new Error('before failed');
    const after = new Error('after failed');
    txn.addBeforeAbortHook(() => {
      throw before;
    });
    txn.addAfterAbortHook(() => {
      throw after;
    });
    await expect(txn.abort()).rejects.toBe(after);
    expect(consoleError).toHaveBeenCalledWith(expect.stringContaining('before-abort hook'), before);
    expect(log[0]).toBe('dm.abort');
    expect(tm.get()).not.toBe(txn);
  });

  it('may join a data manager from a before-abort hook, which is then aborted', async () => {
    const log: string[] = [];
    const txn = new TransactionManager().get();
    txn.addBeforeAbortHook(() => txn.join(new RecordingDataManager('late', log)));
    await txn.abort();
    expect(log).toEqual(['late.abort']);
  });
});
