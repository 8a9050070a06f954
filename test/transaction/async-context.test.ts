import { AsyncLocalStorage } from 'node:async_hooks';

import { describe, expect, it, vi } from 'vitest';

import {
  AsyncContextTransactionManager,
  NoTransaction,
  TransactionManager,
  type Transaction,
} from '../../src/transaction/index.js';
import * as transaction from '../../src/transaction/index.js';
import { RecordingDataManager } from './recording-data-manager.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('the per-async-context transaction manager', () => {
  it('is the module-level default manager, implicit, and a TransactionManager', () => {
    expect(transaction.manager).toBeInstanceOf(AsyncContextTransactionManager);
    expect(transaction.manager).toBeInstanceOf(TransactionManager);
    expect(transaction.manager.explicit).toBe(false);
  });

  it('enters no async context at import or when used outside runInContext', async () => {
    const run = vi.spyOn(AsyncLocalStorage.prototype, 'run');
    const enterWith = vi.spyOn(AsyncLocalStorage.prototype, 'enterWith');
    try {
      vi.resetModules();
      const fresh = await import('../../src/transaction/index.js');
      fresh.get().join(new RecordingDataManager('dm'));
      await fresh.commit();
      await fresh.run(() => {});
      expect(run).not.toHaveBeenCalled();
      expect(enterWith).not.toHaveBeenCalled();
      fresh.manager.runInContext(() => {});
      expect(run).toHaveBeenCalledTimes(1);
    } finally {
      run.mockRestore();
      enterWith.mockRestore();
    }
  });

  it('gives each of two concurrent async contexts its own current transaction', async () => {
    const tm = new AsyncContextTransactionManager();
    const seen: Record<string, Transaction[]> = { one: [], two: [] };
    const work = (name: 'one' | 'two') =>
      tm.runInContext(async () => {
        const txn = tm.begin();
        for (let step = 0; step < 3; step++) {
          seen[name]!.push(tm.get());
          await tick();
        }
        expect(tm.get()).toBe(txn);
        await tm.commit();
        return txn;
      });
    const [one, two] = await Promise.all([work('one'), work('two')]);
    expect(one).not.toBe(two);
    expect(seen['one']).toEqual([one, one, one]);
    expect(seen['two']).toEqual([two, two, two]);
  });

  it('falls back to one process-wide transaction outside any context', async () => {
    const tm = new AsyncContextTransactionManager();
    expect(tm.inContext).toBe(false);
    const outside = tm.get();
    await tick();
    expect(tm.get()).toBe(outside);
    const inside = tm.runInContext(() => {
      expect(tm.inContext).toBe(true);
      return tm.get();
    });
    expect(inside).not.toBe(outside);
    expect(tm.get()).toBe(outside);
  });

  it("commits and aborts only the caller's transaction", async () => {
    const tm = new AsyncContextTransactionManager();
    const log: string[] = [];
    tm.get().join(new RecordingDataManager('outside', log));
    await tm.runInContext(async () => {
      tm.get().join(new RecordingDataManager('inside', log));
      await tm.abort();
    });
    expect(log).toEqual(['inside.abort']);
    await tm.commit();
    expect(log.slice(1)).toEqual([
      'outside.tpcBegin',
      'outside.commit',
      'outside.tpcVote',
      'outside.tpcFinish',
    ]);
  });

  it('starts a fresh context in each nested runInContext', () => {
    const tm = new AsyncContextTransactionManager();
    tm.runInContext(() => {
      const outer = tm.get();
      const inner = tm.runInContext(() => tm.get());
      expect(inner).not.toBe(outer);
      expect(tm.get()).toBe(outer);
    });
  });

  it('applies explicit mode in every context', () => {
    const tm = new AsyncContextTransactionManager({ explicit: true });
    expect(() => tm.get()).toThrow(NoTransaction);
    tm.runInContext(() => expect(() => tm.get()).toThrow(NoTransaction));
  });

  it('registers synchronizers per context, and unregisters them from any context', async () => {
    const tm = new AsyncContextTransactionManager();
    const log: string[] = [];
    const synchronizer = { afterCompletion: () => log.push('after') };
    await tm.runInContext(async () => {
      tm.registerSynch(synchronizer);
      expect(tm.registeredSynchs()).toBe(true);
      await tm.commit();
      expect(log).toEqual(['after']);
      await tm.runInContext(() => tm.commit());
      expect(log).toEqual(['after']);
      tm.runInContext(() => tm.unregisterSynch(synchronizer));
      await tm.commit();
      expect(log).toEqual(['after']);
    });
    expect(tm.registeredSynchs()).toBe(false);
    await tm.commit();
    expect(log).toEqual(['after']);
  });

  it("runs retries in the caller's context", async () => {
    const tm = new AsyncContextTransactionManager();
    const outside = tm.get();
    const result = await tm.runInContext(() =>
      tm.run(async (txn) => {
        await tick();
        return tm.get() === txn && txn !== outside;
      }),
    );
    expect(result).toBe(true);
    expect(tm.get()).toBe(outside);
  });

  it('releases a transaction in its own context even when it is aborted from elsewhere', async () => {
    const tm = new AsyncContextTransactionManager();
    let inner: Transaction | undefined;
    let sameAfterAbort: boolean | undefined;
    let release!: () => void;
    const aborted = new Promise<void>((resolve) => (release = resolve));
    const context = tm.runInContext(async () => {
      inner = tm.get();
      await aborted;
      sameAfterAbort = tm.get() === inner;
    });
    await tick();
    const outside = tm.get();
    await inner!.abort();
    expect(tm.get()).toBe(outside);
    release();
    await context;
    expect(sameAfterAbort).toBe(false);
  });
});
