import { describe, expect, it } from 'vitest';

import { runSyncFirst, type Steps } from '../../src/transaction/sync-first.js';

describe('runSyncFirst', () => {
  it('returns the result synchronously when nothing yielded is a promise', () => {
    function* steps(): Steps<number> {
      const a = (yield 1) as number;
      const b = (yield 2) as number;
      return a + b;
    }
    expect(runSyncFirst(steps())).toBe(3);
  });

  it('throws synchronously when the procedure throws before any promise', () => {
    function* steps(): Steps<void> {
      yield 1;
      throw new Error('boom');
    }
    expect(() => runSyncFirst(steps())).toThrow('boom');
  });

  it('runs synchronously up to the first promise, then resolves with the result', async () => {
    const log: string[] = [];
    function* steps(): Steps<string> {
      log.push('sync part');
      const value = (yield Promise.resolve('async value')) as string;
      log.push('after await');
      return value;
    }
    const result = runSyncFirst(steps());
    expect(log).toEqual(['sync part']);
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe('async value');
    expect(log).toEqual(['sync part', 'after await']);
  });

  it('throws a rejected promise into the procedure, where try/catch/finally see it', async () => {
    const log: string[] = [];
    function* steps(): Steps<string> {
      try {
        yield Promise.reject(new Error('rejected'));
        return 'not reached';
      } catch (error) {
        log.push(`caught ${(error as Error).message}`);
        yield Promise.resolve();
        return 'recovered';
      } finally {
        log.push('finally');
      }
    }
    await expect(runSyncFirst(steps())).resolves.toBe('recovered');
    expect(log).toEqual(['caught rejected', 'finally']);
  });

  it('rejects when the procedure throws after a promise', async () => {
    function* steps(): Steps<void> {
      yield Promise.resolve();
      throw new Error('late');
    }
    await expect(runSyncFirst(steps())).rejects.toThrow('late');
  });

  it('awaits thenables that are not promises', async () => {
    const thenable = { then: (resolve: (value: number) => void) => resolve(5) };
    function* steps(): Steps<number> {
      return ((yield thenable) as number) * 2;
    }
    await expect(runSyncFirst(steps())).resolves.toBe(10);
  });
});
