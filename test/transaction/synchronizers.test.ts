import { describe, expect, it } from 'vitest';

import {
  TransactionManager,
  type Synchronizer,
  type Transaction,
} from '../../src/transaction/index.js';
import { RecordingDataManager } from './recording-data-manager.js';

function recordingSynchronizer(log: string[], name = 's'): Synchronizer {
  return {
    newTransaction: () => log.push(`${name}.newTransaction`),
    beforeCompletion: () => log.push(`${name}.beforeCompletion`),
    afterCompletion: () => log.push(`${name}.afterCompletion`),
  };
}

describe('synchronizers', () => {
  it('are told newTransaction by begin(), with the new transaction already current', () => {
    const tm = new TransactionManager();
    let current: Transaction | undefined;
    tm.registerSynch({ newTransaction: () => (current = tm.get()) });
    const txn = tm.begin();
    expect(current).toBe(txn);
  });

  it('are not told newTransaction when get() starts a transaction implicitly', () => {
    const log: string[] = [];
    const tm = new TransactionManager();
    tm.registerSynch(recordingSynchronizer(log));
    tm.get();
    expect(log).toEqual([]);
  });

  it('are told newTransaction at registration when a transaction is current', () => {
    const log: string[] = [];
    const tm = new TransactionManager();
    tm.get();
    tm.registerSynch(recordingSynchronizer(log));
    expect(log).toEqual(['s.newTransaction']);
  });

  it('surround a commit: beforeCompletion before the data managers, afterCompletion after them', async () => {
    const log: string[] = [];
    const tm = new TransactionManager();
    tm.registerSynch(recordingSynchronizer(log));
    tm.get().join(new RecordingDataManager('dm', log));
    tm.get().addAfterCommitHook(() => log.push('after-commit hook'));
    await tm.commit();
    expect(log).toEqual([
      's.beforeCompletion',
      'dm.tpcBegin',
      'dm.commit',
      'dm.tpcVote',
      'dm.tpcFinish',
      's.afterCompletion',
      'after-commit hook',
      'dm.abort',
    ]);
  });

  it('surround an abort, with afterCompletion once the manager has let the transaction go', async () => {
    const log: string[] = [];
    const tm = new TransactionManager();
    const txn = tm.get();
    tm.registerSynch({
      beforeCompletion: () => log.push('beforeCompletion'),
      afterCompletion: () => log.push(`afterCompletion, current is new: ${tm.get() !== txn}`),
    });
    txn.join(new RecordingDataManager('dm', log));
    await tm.abort();
    expect(log).toEqual(['beforeCompletion', 'dm.abort', 'afterCompletion, current is new: true']);
  });

  it('see transactions that began before they were registered', async () => {
    const log: string[] = [];
    const tm = new TransactionManager();
    const txn = tm.get();
    tm.registerSynch({ beforeCompletion: () => log.push('before') });
    await txn.commit();
    expect(log).toEqual(['before']);
  });

  it('fail a commit when beforeCompletion throws', async () => {
    const tm = new TransactionManager();
    const failure = new Error('cannot sync');
    tm.registerSynch({
      beforeCompletion: () => {
        throw failure;
      },
    });
    await expect(tm.commit()).rejects.toBe(failure);
    expect(tm.get().status).toBe('Commit failed');
  });

  it('can be unregistered, cleared and queried', () => {
    const log: string[] = [];
    const tm = new TransactionManager();
    const a = recordingSynchronizer(log, 'a');
    const b = recordingSynchronizer(log, 'b');
    expect(tm.registeredSynchs()).toBe(false);
    tm.registerSynch(a);
    tm.registerSynch(b);
    expect(tm.registeredSynchs()).toBe(true);
    tm.unregisterSynch(a);
    tm.begin();
    expect(log).toEqual(['b.newTransaction']);
    tm.clearSynchs();
    expect(tm.registeredSynchs()).toBe(false);
    tm.begin();
    expect(log).toEqual(['b.newTransaction']);
  });

  it('are called once even when registered twice', () => {
    const log: string[] = [];
    const tm = new TransactionManager();
    const s = recordingSynchronizer(log);
    tm.registerSynch(s);
    tm.registerSynch(s);
    tm.begin();
    expect(log).toEqual(['s.newTransaction']);
  });
});
