import { describe, expect, it } from 'vitest';

import {
  AlreadyInTransaction,
  TransactionError,
  TransactionManager,
  TransientError,
  type Attempt,
  type Transaction,
} from '../../src/transaction/index.js';
import { ConflictError } from '../../src/errors.js';
import { RecordingDataManager, RetryingDataManager } from './recording-data-manager.js';

/** Work that throws `error` on its first `failures` calls, records each transaction, then returns 'done'. */
function flakyWork(failures: number, error: () => unknown = () => new TransientError('conflict')) {
  const transactions: Transaction[] = [];
  const work = async (txn: Transaction) => {
    transactions.push(txn);
    txn.join(new RecordingDataManager(`dm${transactions.length}`, log));
    if (transactions.length <= failures) throw error();
    return 'done';
  };
  const log: string[] = [];
  return { work, transactions, log };
}

describe('manager.attempts()', () => {
  it('retries after a TransientError thrown twice, then commits on the third attempt and ends the loop', async () => {
    const tm = new TransactionManager();
    const { work, transactions, log } = flakyWork(2);
    const seen: Attempt[] = [];
    for await (const attempt of tm.attempts(5)) {
      seen.push(attempt);
      await attempt.run(work);
    }
    expect(seen.map((attempt) => attempt.state)).toEqual(['retrying', 'retrying', 'committed']);
    expect(new Set(transactions).size).toBe(3);
    expect(log).toEqual([
      'dm1.abort',
      'dm2.abort',
      'dm3.tpcBegin',
      'dm3.commit',
      'dm3.tpcVote',
      'dm3.tpcFinish',
    ]);
  });

  it('re-throws the retryable error on the last attempt, after aborting', async () => {
    const tm = new TransactionManager();
    const { work, log } = flakyWork(3);
    let count = 0;
    const loop = async () => {
      for await (const attempt of tm.attempts(3)) {
        count++;
        await attempt.run(work);
      }
    };
    await expect(loop()).rejects.toThrow(TransientError);
    expect(count).toBe(3);
    expect(log).toEqual(['dm1.abort', 'dm2.abort', 'dm3.abort']);
  });

  it('does not retry a non-transient error: it aborts and re-throws at once', async () => {
    const tm = new TransactionManager();
    const { work, log } = flakyWork(1, () => new RangeError('bad input'));
    let count = 0;
    const loop = async () => {
      for await (const attempt of tm.attempts()) {
        count++;
        await attempt.run(work);
      }
    };
    await expect(loop()).rejects.toThrow(RangeError);
    expect(count).toBe(1);
    expect(log).toEqual(['dm1.abort']);
  });

  it('retries a conflict raised at commit time (a vote failure)', async () => {
    const tm = new TransactionManager();
    let tries = 0;
    for await (const attempt of tm.attempts()) {
      await attempt.run((txn) => {
        tries++;
        const failIn = tries === 1 ? (['tpcVote'] as const) : [];
        txn.join(
          new RecordingDataManager('db', [], {
            failIn: [...failIn],
            failure: new ConflictError({ oid: 1 }),
          }),
        );
      });
    }
    expect(tries).toBe(2);
  });

  it('retries errors a joined RetryDataManager declares retryable', async () => {
    const tm = new TransactionManager();
    const special = new Error('deadlock detected');
    let tries = 0;
    for await (const attempt of tm.attempts()) {
      await attempt.run((txn) => {
        const dm = new RetryingDataManager('sql');
        dm.retryIf = (error) => error === special;
        txn.join(dm);
        if (++tries === 1) throw special;
      });
    }
    expect(tries).toBe(2);
  });

  it('resolves run() with the work result when it commits', async () => {
    const tm = new TransactionManager();
    const results: unknown[] = [];
    for await (const attempt of tm.attempts()) results.push(await attempt.run(() => 42));
    expect(results).toEqual([42]);
  });

  it('refuses a loop body that does not run its attempt', async () => {
    const tm = new TransactionManager();
    const loop = async () => {
      for await (const attempt of tm.attempts()) void attempt;
    };
    await expect(loop()).rejects.toThrow(/was not run/);
  });

  it('refuses an attempt that is run twice', async () => {
    const tm = new TransactionManager();
    for await (const attempt of tm.attempts()) {
      await attempt.run(() => {});
      await expect(attempt.run(() => {})).rejects.toThrow(TransactionError);
    }
  });

  it('refuses a count that is not a positive integer', () => {
    const tm = new TransactionManager();
    expect(() => tm.attempts(0)).toThrow(RangeError);
    expect(() => tm.attempts(1.5)).toThrow(RangeError);
  });

  it('aborts an implicit current transaction before the first attempt begins', async () => {
    const tm = new TransactionManager();
    const log: string[] = [];
    tm.get().join(new RecordingDataManager('stale', log));
    for await (const attempt of tm.attempts()) await attempt.run(() => {});
    expect(log).toEqual(['stale.abort']);
  });
});

describe('manager.run()', () => {
  it('commits the work and resolves with its result', async () => {
    const tm = new TransactionManager();
    const log: string[] = [];
    const result = await tm.run((txn) => {
      txn.join(new RecordingDataManager('dm', log));
      return { id: 7 };
    });
    expect(result).toEqual({ id: 7 });
    expect(log).toEqual(['dm.tpcBegin', 'dm.commit', 'dm.tpcVote', 'dm.tpcFinish']);
  });

  it('retries a TransientError thrown twice and succeeds on the third try', async () => {
    const tm = new TransactionManager();
    const { work, transactions } = flakyWork(2);
    await expect(tm.run(work)).resolves.toBe('done');
    expect(transactions).toHaveLength(3);
    expect(transactions.map((txn) => txn.status)).toEqual(['Active', 'Active', 'Committed']);
  });

  it('gives up after the number of attempts and re-throws the last error', async () => {
    const tm = new TransactionManager();
    const { work, transactions } = flakyWork(10);
    await expect(tm.run(work, { attempts: 4 })).rejects.toThrow(TransientError);
    expect(transactions).toHaveLength(4);
  });

  it('does not retry a non-transient error: it aborts and re-throws it', async () => {
    const tm = new TransactionManager();
    const failure = new Error('bug');
    const { work, transactions, log } = flakyWork(1, () => failure);
    await expect(tm.run(work)).rejects.toBe(failure);
    expect(transactions).toHaveLength(1);
    expect(log).toEqual(['dm1.abort']);
  });

  it("notes the function's name by default, or the given note", async () => {
    const tm = new TransactionManager();
    const descriptions: string[] = [];
    await tm.run(function addOrder(txn) {
      descriptions.push(txn.description);
    });
    await tm.run((txn) => void descriptions.push(txn.description), { note: 'nightly cleanup' });
    await tm.run((txn) => void descriptions.push(txn.description));
    expect(descriptions).toEqual(['addOrder', 'nightly cleanup', '']);
  });

  it('begins each try with begin(), so synchronizers see newTransaction each time', async () => {
    const tm = new TransactionManager();
    let began = 0;
    tm.registerSynch({ newTransaction: () => began++ });
    await tm.run(flakyWork(1).work);
    expect(began).toBe(2);
  });

  it('in explicit mode, throws AlreadyInTransaction inside a transaction', async () => {
    const tm = new TransactionManager({ explicit: true });
    tm.begin();
    await expect(tm.run(() => {})).rejects.toThrow(AlreadyInTransaction);
  });

  it('refuses a number of attempts that is not a positive integer', async () => {
    await expect(new TransactionManager().run(() => {}, { attempts: 0 })).rejects.toThrow(
      RangeError,
    );
  });
});
