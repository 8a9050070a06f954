/** The committer's memory of recently finished transactions: which tid wrote a position. */

import { describe, expect, it } from 'vitest';
import { RecentTransactions } from '../../../src/storage/file/recent-transactions.js';

describe('RecentTransactions', () => {
  it('gives the tid of the transaction whose range holds a position, nothing outside the ranges', () => {
    const recent = new RecentTransactions(8);
    recent.add(4, 100, 10n);
    recent.add(100, 180, 11n);
    recent.add(200, 260, 12n);
    expect([4, 99, 100, 179, 200, 259].map((pos) => recent.tidAt(pos))).toEqual([
      10n,
      10n,
      11n,
      11n,
      12n,
      12n,
    ]);
    expect([0, 3, 180, 199, 260].map((pos) => recent.tidAt(pos))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('keeps only the newest transactions up to its capacity', () => {
    const recent = new RecentTransactions(3);
    for (let i = 0; i < 10; i++) recent.add(i * 10, i * 10 + 10, BigInt(i));
    expect(recent.tidAt(65)).toBeUndefined();
    expect([75, 85, 95].map((pos) => recent.tidAt(pos))).toEqual([7n, 8n, 9n]);
  });

  it('starts over when a transaction does not come after the others (a file replaced by pack)', () => {
    const recent = new RecentTransactions(4);
    recent.add(100, 200, 1n);
    recent.add(50, 80, 2n);
    expect(recent.tidAt(150)).toBeUndefined();
    expect(recent.tidAt(60)).toBe(2n);
    recent.clear();
    expect(recent.tidAt(60)).toBeUndefined();
  });
});
