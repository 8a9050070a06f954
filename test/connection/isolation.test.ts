/** Snapshot isolation between connections, invalidations and historical connections. */
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/connection/db.js';
import { ReadOnlyHistoryError } from '../../src/errors.js';
import { TransactionManager } from '../../src/transaction/index.js';
import { Account } from './fixtures.js';

async function setup() {
  const db = new DB(null);
  const tm1 = new TransactionManager();
  const tm2 = new TransactionManager();
  const c1 = db.open({ transactionManager: tm1 });
  c1.root.account = new Account();
  await tm1.commit();
  const c2 = db.open({ transactionManager: tm2 });
  return { db, tm1, tm2, c1, c2 };
}

describe('snapshot isolation', () => {
  it('a connection keeps seeing its snapshot until its transaction ends', async () => {
    const { db, tm1, tm2, c1, c2 } = await setup();
    const a2 = c2.root.account as Account;
    expect(a2.balance).toBe(0);
    (c1.root.account as Account).deposit(10);
    await tm1.commit();
    expect(a2.balance).toBe(0);
    await tm2.abort();
    expect(a2.balance).toBe(10);
    await db.close();
  });

  it('objects first loaded after another commit still come from the old snapshot', async () => {
    const { db, tm1, tm2, c1, c2 } = await setup();
    void c2.root; // snapshot fixed, account not loaded yet
    (c1.root.account as Account).deposit(10);
    await tm1.commit();
    expect((c2.root.account as Account).balance).toBe(0);
    await tm2.abort();
    expect((c2.root.account as Account).balance).toBe(10);
    await db.close();
  });

  it('sync() moves an idle connection to the latest snapshot', async () => {
    const { db, tm1, c1, c2 } = await setup();
    const a2 = c2.root.account as Account;
    (c1.root.account as Account).deposit(3);
    await tm1.commit();
    c2.sync();
    expect(a2.balance).toBe(3);
    await db.close();
  });

  it('a committing connection sees its own committed state without reloading', async () => {
    const { db, tm1, c1 } = await setup();
    const account = c1.root.account as Account;
    account.deposit(5);
    await tm1.commit();
    expect(account._p_changed).toBe(false);
    expect(account.balance).toBe(5);
    await db.close();
  });
});

describe('historical connections', () => {
  it('read the database as of a tid, and as of just before one', async () => {
    const { db, tm1, c1 } = await setup();
    const first = db.lastTransaction();
    (c1.root.account as Account).deposit(7);
    await tm1.commit();
    const second = db.lastTransaction();
    expect(second > first).toBe(true);
    const atFirst = db.open({ at: first });
    expect((atFirst.root.account as Account).balance).toBe(0);
    const beforeSecond = db.open({ before: second });
    expect((beforeSecond.root.account as Account).balance).toBe(0);
    const atSecond = db.open({ at: second });
    expect((atSecond.root.account as Account).balance).toBe(7);
    expect(atFirst.isReadOnly()).toBe(true);
    await db.close();
  });

  it('accept a Date and refuse future times and both at and before', async () => {
    const { db } = await setup();
    const conn = db.open({ at: new Date() });
    expect((conn.root.account as Account).balance).toBe(0);
    expect(() => db.open({ at: new Date(Date.now() + 3_600_000) })).toThrow(RangeError);
    expect(() => db.open({ at: 1n, before: 2n })).toThrow(TypeError);
    await db.close();
  });

  it('refuse changes with ReadOnlyHistoryError', async () => {
    const { db } = await setup();
    const conn = db.open({
      at: db.lastTransaction(),
      transactionManager: new TransactionManager(),
    });
    const account = conn.root.account as Account;
    expect(() => account.deposit(1)).toThrow(ReadOnlyHistoryError);
    expect(account.balance).toBe(0);
    await db.close();
  });
});
