import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  cleanupErrorsOf,
  TransactionManager,
  type Synchronizer,
} from '../../src/transaction/index.js';
import { RecordingDataManager } from './recording-data-manager.js';

let consoleError: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  consoleError.mockRestore();
});

function threeDataManagers(options: { async?: boolean } = {}) {
  const log: string[] = [];
  const tm = new TransactionManager();
  const txn = tm.get();
  // Joined out of sort-key order on purpose.
  const c = new RecordingDataManager('c', log, options);
  const a = new RecordingDataManager('a', log, options);
  const b = new RecordingDataManager('b', log, options);
  txn.join(c);
  txn.join(a);
  txn.join(b);
  return { log, tm, txn, a, b, c };
}

describe('the two-phase commit', () => {
  it('calls tpcBegin, commit, tpcVote, tpcFinish on every data manager, phase by phase, in sort-key order', async () => {
    const { log, txn } = threeDataManagers();
    await txn.commit();
    expect(log).toEqual([
      'a.tpcBegin',
      'b.tpcBegin',
      'c.tpcBegin',
      'a.commit',
      'b.commit',
      'c.commit',
      'a.tpcVote',
      'b.tpcVote',
      'c.tpcVote',
      'a.tpcFinish',
      'b.tpcFinish',
      'c.tpcFinish',
    ]);
    expect(txn.status).toBe('Committed');
  });

  it('awaits asynchronous data managers one call at a time, in the same order', async () => {
    const { log, txn } = threeDataManagers({ async: true });
    await txn.commit();
    expect(log.slice(0, 3)).toEqual(['a.tpcBegin', 'b.tpcBegin', 'c.tpcBegin']);
    expect(log.slice(-3)).toEqual(['a.tpcFinish', 'b.tpcFinish', 'c.tpcFinish']);
    expect(log).toHaveLength(12);
  });

  it('keeps join order between data managers with equal sort keys', async () => {
    const log: string[] = [];
    const txn = new TransactionManager().get();
    txn.join(new RecordingDataManager('second', log, { sortKey: 'same' }));
    txn.join(new RecordingDataManager('first', log, { sortKey: 'same' }));
    txn.join(new RecordingDataManager('zero', log, { sortKey: 'a' }));
    await txn.commit();
    expect(log.filter((call) => call.endsWith('.tpcBegin'))).toEqual([
      'zero.tpcBegin',
      'second.tpcBegin',
      'first.tpcBegin',
    ]);
  });

  it('calls a data manager that joined twice only once per phase', async () => {
    const log: string[] = [];
    const txn = new TransactionManager().get();
    const dm = new RecordingDataManager('dm', log);
    txn.join(dm);
    txn.join(dm);
    await txn.commit();
    expect(log).toEqual(['dm.tpcBegin', 'dm.commit', 'dm.tpcVote', 'dm.tpcFinish']);
  });

  it('reports the status Committing while the data managers are called', async () => {
    const tm = new TransactionManager();
    const txn = tm.get();
    const seen: string[] = [];
    const dm = new RecordingDataManager('dm');
    dm.tpcVote = (t) => {
      seen.push(t.status);
    };
    txn.join(dm);
    await txn.commit();
    expect(seen).toEqual(['Committing']);
  });

  it('lets the manager move on after a successful commit', async () => {
    const tm = new TransactionManager();
    const txn = tm.get();
    await txn.commit();
    expect(tm.get()).not.toBe(txn);
  });

  it('refuses a non-string sort key with a TypeError and fails the commit', async () => {
    const txn = new TransactionManager().get();
    const dm = new RecordingDataManager('dm');
    dm.sortKey = () => 42 as unknown as string;
    txn.join(dm);
    await expect(txn.commit()).rejects.toThrow(TypeError);
    expect(txn.status).toBe('Commit failed');
  });

  it('rejects a second commit while the first is running', async () => {
    const { txn } = threeDataManagers({ async: true });
    const first = txn.commit();
    await expect(txn.commit()).rejects.toThrow(/already committing/);
    await first;
    expect(txn.status).toBe('Committed');
  });
});

describe('a failing two-phase commit', () => {
  for (const failing of ['a', 'b'] as const) {
    it(`aborts and tpcAborts everything and finishes nothing when ${failing} fails to vote`, async () => {
      const log: string[] = [];
      const tm = new TransactionManager();
      const txn = tm.get();
      const vote = new Error('vote failed');
      const a = new RecordingDataManager(
        'a',
        log,
        failing === 'a' ? { failIn: ['tpcVote'], failure: vote } : {},
      );
      const b = new RecordingDataManager(
        'b',
        log,
        failing === 'b' ? { failIn: ['tpcVote'], failure: vote } : {},
      );
      txn.join(b);
      txn.join(a);

      await expect(txn.commit()).rejects.toBe(vote);

      expect(log.some((call) => call.endsWith('.tpcFinish'))).toBe(false);
      expect(log.filter((call) => call.endsWith('.tpcAbort'))).toEqual([
        'a.tpcAbort',
        'b.tpcAbort',
      ]);
      // Data managers that had not voted are aborted before the tpcAborts.
      const afterVote = log.slice(log.indexOf(`${failing}.tpcVote`) + 1);
      const notVoted = failing === 'a' ? ['a.abort', 'b.abort'] : ['b.abort'];
      expect(afterVote).toEqual([...notVoted, 'a.tpcAbort', 'b.tpcAbort']);
      expect(txn.status).toBe('Commit failed');
    });
  }

  it('tpcAborts data managers whose tpcBegin was never called when an earlier tpcBegin fails', async () => {
    const log: string[] = [];
    const txn = new TransactionManager().get();
    txn.join(new RecordingDataManager('a', log, { failIn: ['tpcBegin'] }));
    txn.join(new RecordingDataManager('b', log));
    await expect(txn.commit()).rejects.toThrow('a.tpcBegin failed');
    expect(log).toEqual(['a.tpcBegin', 'a.abort', 'b.abort', 'a.tpcAbort', 'b.tpcAbort']);
  });

  it('fails the same way with asynchronous data managers', async () => {
    const log: string[] = [];
    const txn = new TransactionManager().get();
    txn.join(new RecordingDataManager('a', log, { async: true }));
    txn.join(new RecordingDataManager('b', log, { async: true, failIn: ['commit'] }));
    await expect(txn.commit()).rejects.toThrow('b.commit failed');
    expect(log.slice(-4)).toEqual(['a.abort', 'b.abort', 'a.tpcAbort', 'b.tpcAbort']);
  });

  it('re-throws the original error when the cleanup fails too, with the cleanup errors attached and logged', async () => {
    const log: string[] = [];
    const txn = new TransactionManager().get();
    const original = new Error('vote failed');
    const cleanup = new Error('tpcAbort failed');
    txn.join(new RecordingDataManager('a', log, { failIn: ['tpcVote'], failure: original }));
    txn.join(new RecordingDataManager('b', log, { failIn: ['tpcAbort'], failure: cleanup }));

    await expect(txn.commit()).rejects.toBe(original);

    expect(log).toContain('b.tpcAbort');
    expect(cleanupErrorsOf(original)).toEqual([cleanup]);
    expect(consoleError).toHaveBeenCalledWith(
      expect.stringContaining('tpcAbort() failed on'),
      cleanup,
    );
  });

  it('logs a tpcFinish failure as critical, tpcAborts, fails the transaction and re-throws', async () => {
    const log: string[] = [];
    const txn = new TransactionManager().get();
    const finish = new Error('disk gone');
    txn.join(new RecordingDataManager('a', log));
    txn.join(new RecordingDataManager('b', log, { failIn: ['tpcFinish'], failure: finish }));

    await expect(txn.commit()).rejects.toBe(finish);

    expect(consoleError).toHaveBeenCalledWith(expect.stringContaining('CRITICAL'), finish);
    expect(txn.status).toBe('Commit failed');
    // Everybody voted, so nobody is aborted; all are tpcAborted.
    expect(log.slice(log.indexOf('b.tpcFinish') + 1)).toEqual(['a.tpcAbort', 'b.tpcAbort']);
  });

  it('tells synchronizers afterCompletion after the cleanup', async () => {
    const log: string[] = [];
    const tm = new TransactionManager();
    const synchronizer: Synchronizer = {
      beforeCompletion: (t) => log.push(`before:${t.status}`),
      afterCompletion: (t) => log.push(`after:${t.status}`),
    };
    tm.registerSynch(synchronizer);
    tm.get().join(new RecordingDataManager('a', log, { failIn: ['tpcVote'] }));
    await expect(tm.commit()).rejects.toThrow('a.tpcVote failed');
    expect(log).toEqual([
      'before:Active',
      'a.tpcBegin',
      'a.commit',
      'a.tpcVote',
      'a.abort',
      'a.tpcAbort',
      'after:Commit failed',
    ]);
  });
});
