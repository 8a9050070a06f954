import { describe, expect, it } from 'vitest';
import { CommitLock, CommitLockQueueFullError } from '../../src/storage/commit-lock.js';
import { StorageError } from '../../src/errors.js';

/** Lets every queued promise callback run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('CommitLock', () => {
  it('grants a free lock at once and reports it held', async () => {
    const lock = new CommitLock({ name: 's' });
    expect(lock.isLocked).toBe(false);
    const release = await lock.acquire();
    expect(lock.isLocked).toBe(true);
    release();
    expect(lock.isLocked).toBe(false);
  });

  it('hands the lock to waiters in the order they asked (FIFO)', async () => {
    const lock = new CommitLock({ name: 's' });
    const order: number[] = [];
    const first = await lock.acquire();
    const waiting = [1, 2, 3, 4].map((n) =>
      lock.acquire().then((release) => {
        order.push(n);
        release();
      }),
    );
    expect(lock.queueLength).toBe(4);
    await settle();
    expect(order).toEqual([]);
    first();
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3, 4]);
    expect(lock.isLocked).toBe(false);
    expect(lock.queueLength).toBe(0);
  });

  it('does not let a new acquirer overtake queued waiters', async () => {
    const lock = new CommitLock({ name: 's' });
    const order: string[] = [];
    const first = await lock.acquire();
    const queued = lock.acquire().then((release) => {
      order.push('queued');
      return release;
    });
    first();
    // The lock now belongs to the queued waiter, even before it runs.
    expect(lock.tryAcquire()).toBeUndefined();
    const late = lock.acquire().then((release) => {
      order.push('late');
      release();
    });
    (await queued)();
    await late;
    expect(order).toEqual(['queued', 'late']);
  });

  it('ignores a second call of the same release function', async () => {
    const lock = new CommitLock({ name: 's' });
    const first = await lock.acquire();
    const second = lock.acquire();
    first();
    const releaseSecond = await second;
    first(); // must not release the second holder's lock
    expect(lock.isLocked).toBe(true);
    releaseSecond();
    expect(lock.isLocked).toBe(false);
  });

  it('tryAcquire takes a free lock and refuses a held one', async () => {
    const lock = new CommitLock({ name: 's' });
    const release = lock.tryAcquire();
    expect(release).toBeTypeOf('function');
    expect(lock.tryAcquire()).toBeUndefined();
    release?.();
    expect(lock.isLocked).toBe(false);
  });

  it('rejects acquirers past waitersMax with CommitLockQueueFullError naming the lock', async () => {
    const lock = new CommitLock({ name: 'Data.fs', waitersMax: 2 });
    const release = await lock.acquire();
    const a = lock.acquire();
    const b = lock.acquire();
    const error = await lock.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommitLockQueueFullError);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as CommitLockQueueFullError).lockName).toBe('Data.fs');
    expect((error as CommitLockQueueFullError).waitersMax).toBe(2);
    expect((error as Error).message).toContain('Data.fs');
    expect(lock.queueLength).toBe(2);
    release();
    (await a)();
    (await b)();
  });

  it('close rejects every waiter and every later acquire with the given error', async () => {
    const lock = new CommitLock({ name: 's' });
    const release = await lock.acquire();
    const waiter = lock.acquire();
    const closed = new StorageError('storage s is closed');
    lock.close(closed);
    await expect(waiter).rejects.toBe(closed);
    await expect(lock.acquire()).rejects.toBe(closed);
    expect(() => lock.tryAcquire()).toThrow(closed);
    expect(lock.isClosed).toBe(true);
    expect(lock.queueLength).toBe(0);
    release();
  });

  it('an aborted waiter leaves the queue and the next waiter gets the lock', async () => {
    const lock = new CommitLock({ name: 's' });
    const release = await lock.acquire();
    const controller = new AbortController();
    const aborted = lock.acquire({ signal: controller.signal });
    const next = lock.acquire();
    controller.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    expect(lock.queueLength).toBe(1);
    release();
    (await next)();
    expect(lock.isLocked).toBe(false);
  });

  it('refuses an already-aborted signal without queueing', async () => {
    const lock = new CommitLock({ name: 's' });
    const release = await lock.acquire();
    await expect(lock.acquire({ signal: AbortSignal.abort(new Error('no')) })).rejects.toThrow(
      'no',
    );
    expect(lock.queueLength).toBe(0);
    release();
  });

  it('rejects a waitersMax that is not a non-negative integer', () => {
    expect(() => new CommitLock({ name: 's', waitersMax: -1 })).toThrow(RangeError);
    expect(() => new CommitLock({ name: 's', waitersMax: 1.5 })).toThrow(RangeError);
  });
});
