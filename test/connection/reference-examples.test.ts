/**
 * The reference documents' examples, in TypeScript: the tutorial, the Book
 * life cycle, savepoints, conflicts and their resolution, volatile
 * attributes, the employees.append pitfall and the chat retry loop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DB, connection } from '../../src/connection/db.js';
import { ConflictError } from '../../src/errors.js';
import { ZERO_TID } from '../../src/ids.js';
import { PersistentList, PersistentMapping } from '../../src/persistent/index.js';
import * as transaction from '../../src/transaction/index.js';
import { TransactionManager } from '../../src/transaction/index.js';
import { Account, Book, Counter } from './fixtures.js';

afterEach(async () => {
  await transaction.abort();
});

describe('the tutorial', () => {
  it('stores accounts under the root and reads them back from another connection', async () => {
    const db = new DB(null);
    const conn = db.open<{ accounts: PersistentMapping<string, Account> }>();
    conn.root.accounts = new PersistentMapping<string, Account>();
    const account = new Account();
    conn.root.accounts.set('account-1', account);
    account.deposit(100);
    await transaction.commit();

    account.cash(30);
    await transaction.commit();

    const tm = new TransactionManager();
    const other = db.open<{ accounts: PersistentMapping<string, Account> }>({
      transactionManager: tm,
    });
    const loaded = other.root.accounts.get('account-1');
    expect(loaded).toBeInstanceOf(Account);
    expect(loaded?.balance).toBe(70);
    expect(() => loaded?.cash(1000)).toThrow(RangeError);
    await db.close();
  });

  it('a second reference to a persistent object keeps its identity after reload', async () => {
    const db = new DB(null);
    const conn = db.open();
    const shared = new Account();
    conn.root.a = { owner: shared };
    conn.root.b = [shared];
    await transaction.commit();
    const other = db.open({ transactionManager: new TransactionManager() });
    const a = other.root.a as { owner: Account };
    const b = other.root.b as Account[];
    expect(a.owner).toBe(b[0]);
    await db.close();
  });

  it('two persistent owners of one plain array each get their own copy after reload', async () => {
    const db = new DB(null);
    const conn = db.open();
    const tags = ['x'];
    const b1 = new Book('one');
    const b2 = new Book('two');
    Object.assign(b1, { tags });
    Object.assign(b2, { tags });
    conn.root.books = [b1, b2];
    await transaction.commit();
    const other = db.open({ transactionManager: new TransactionManager() });
    const [r1, r2] = other.root.books as (Book & { tags: string[] })[];
    expect(r1!.tags).toEqual(['x']);
    expect(r1!.tags).not.toBe(r2!.tags);
    await db.close();
  });
});

describe('the object life cycle walk-through', () => {
  it('moves a Book through unsaved, added, saved, changed and ghost states', async () => {
    const book = new Book('ZODB');
    expect([book._p_changed, book._p_oid !== undefined]).toEqual([false, false]);

    const conn = connection(null);
    conn.add(book);
    expect([book._p_changed, book._p_oid !== undefined, book._p_serial === ZERO_TID]).toEqual([
      false,
      true,
      true,
    ]);

    await transaction.commit();
    expect([book._p_changed, book._p_oid !== undefined, book._p_serial === ZERO_TID]).toEqual([
      false,
      true,
      false,
    ]);

    book.title = 'ZODB Explained';
    expect([book._p_changed, book._p_oid !== undefined, book._p_serial === ZERO_TID]).toEqual([
      true,
      true,
      false,
    ]);

    await transaction.abort();
    expect([book._p_changed, book._p_oid !== undefined]).toEqual([null, true]);

    expect(book.title).toBe('ZODB');
    expect([book._p_changed, book._p_oid !== undefined, book._p_serial === ZERO_TID]).toEqual([
      false,
      true,
      false,
    ]);

    book._p_changed = null;
    expect([book._p_changed, book._p_oid !== undefined]).toEqual([null, true]);
    conn.close();
  });
});

describe('savepoints', () => {
  it('rolls back changes made after the savepoint (prints 1 and 0)', async () => {
    const db = new DB(null);
    await db.transaction((conn) => {
      conn.root.x = 1;
      conn.root.y = 0;
      const savepoint = conn.transactionManager.get().savepoint();
      conn.root.y = 2;
      savepoint.rollback();
    });
    const values = await db.transaction((conn) => [conn.root.x, conn.root.y]);
    expect(values).toEqual([1, 0]);
    await db.close();
  });

  it('keeps savepoint data readable and restorable several times', async () => {
    const db = new DB(null);
    const conn = db.open();
    conn.root.list = new PersistentList([1]);
    await transaction.commit();
    const list = conn.root.list as PersistentList<number>;
    list.push(2);
    const sp = transaction.savepoint();
    list.push(3);
    const fresh = new Account();
    conn.root.fresh = fresh;
    sp.rollback();
    expect(list.toArray()).toEqual([1, 2]);
    expect(conn.root.fresh).toBeUndefined();
    list.push(4);
    sp.rollback();
    expect(list.toArray()).toEqual([1, 2]);
    await transaction.commit();
    const other = db.open({ transactionManager: new TransactionManager() });
    expect((other.root.list as PersistentList<number>).toArray()).toEqual([1, 2]);
    await db.close();
  });
});

describe('conflicts', () => {
  it('a concurrent change of the same object raises ConflictError with oid, class and serials', async () => {
    const db = new DB(null);
    const tm1 = new TransactionManager();
    const tm2 = new TransactionManager();
    const c1 = db.open({ transactionManager: tm1 });
    c1.root.account = new Account();
    await tm1.commit();
    const c2 = db.open({ transactionManager: tm2 });
    const a1 = c1.root.account as Account;
    const a2 = c2.root.account as Account;
    a1.deposit(10);
    a2.deposit(20);
    await tm1.commit();
    const error = await tm2.commit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    const conflict = error as ConflictError;
    expect(conflict.oid).toBe(a1._p_oid);
    expect(conflict.className).toBe('test.Account');
    expect(conflict.oldSerial).toBeDefined();
    expect(conflict.committedSerial).toBe(a1._p_serial);
    await tm2.abort();
    expect(a2.balance).toBe(10);
    await db.close();
  });

  it('a Counter with _p_resolveConflict merges concurrent hits', async () => {
    const db = new DB(null);
    const tm1 = new TransactionManager();
    const tm2 = new TransactionManager();
    const c1 = db.open({ transactionManager: tm1 });
    c1.root.counter = new Counter();
    await tm1.commit();
    const c2 = db.open({ transactionManager: tm2 });
    (c1.root.counter as Counter).hit();
    (c2.root.counter as Counter).hit();
    (c2.root.counter as Counter).hit();
    await tm1.commit();
    await tm2.commit();
    const c3 = db.open({ transactionManager: new TransactionManager() });
    expect((c3.root.counter as Counter).count).toBe(3);
    await db.close();
  });

  it('readCurrent turns a concurrent change of an object only read into a conflict', async () => {
    const db = new DB(null);
    const tm1 = new TransactionManager();
    const tm2 = new TransactionManager();
    const c1 = db.open({ transactionManager: tm1 });
    c1.root.a = new Account();
    c1.root.b = new Account();
    await tm1.commit();
    const c2 = db.open({ transactionManager: tm2 });
    const a2 = c2.root.a as Account;
    c2.readCurrent(a2);
    (c2.root.b as Account).deposit(a2.balance + 1);
    (c1.root.a as Account).deposit(5);
    await tm1.commit();
    await expect(tm2.commit()).rejects.toThrow(ConflictError);
    await db.close();
  });
});

describe('volatile attributes', () => {
  it('are never stored and do not mark the object changed', async () => {
    const db = new DB(null);
    const conn = db.open();
    const account = new Account() as Account & { _v_lastSeen?: number };
    conn.root.account = account;
    await transaction.commit();
    account._v_lastSeen = 42;
    expect(account._p_changed).toBe(false);
    account.deposit(1);
    await transaction.commit();
    const other = db.open({ transactionManager: new TransactionManager() });
    expect((other.root.account as typeof account)._v_lastSeen).toBeUndefined();
    await db.close();
  });
});

describe('the employees.append pitfall', () => {
  it('mutating a plain array is not seen; reassigning, _p_changed or PersistentList are', async () => {
    const db = new DB(null);
    const conn = db.open();
    conn.root.employees = ['Mary', 'Jo', 'Bob'];
    await transaction.commit();
    (conn.root.employees as string[]).push('Bill');
    expect(conn.root._p_changed).toBe(false);
    await transaction.commit();
    const reader = () => db.open({ transactionManager: new TransactionManager() });
    expect(reader().root.employees).toEqual(['Mary', 'Jo', 'Bob']);

    // The in-memory list has Bill, the database does not: assign it again.
    const employees = conn.root.employees as string[];
    expect(employees).toEqual(['Mary', 'Jo', 'Bob', 'Bill']);
    conn.root.employees = employees;
    await transaction.commit();
    expect(reader().root.employees).toEqual(['Mary', 'Jo', 'Bob', 'Bill']);

    (conn.root.employees as string[]).push('Ann');
    conn.root._p_changed = true;
    await transaction.commit();
    expect(reader().root.employees).toEqual(['Mary', 'Jo', 'Bob', 'Bill', 'Ann']);

    conn.root.staff = new PersistentList(['Mary']);
    await transaction.commit();
    (conn.root.staff as PersistentList<string>).push('Jo');
    await transaction.commit();
    expect((reader().root.staff as PersistentList<string>).toArray()).toEqual(['Mary', 'Jo']);
    await db.close();
  });
});

describe('the chat application retry loop', () => {
  it('retries a conflicting commit after abort until it succeeds', async () => {
    const db = new DB(null);
    const setup = db.open({ transactionManager: new TransactionManager() });
    setup.root.messages = new PersistentList<string>();
    await setup.transactionManager.get().commit();

    const tmA = new TransactionManager();
    const tmB = new TransactionManager();
    const a = db.open({ transactionManager: tmA });
    const b = db.open({ transactionManager: tmB });
    (a.root.messages as PersistentList<string>).push('from a');
    (b.root.messages as PersistentList<string>).push('from b');
    await tmA.commit();

    let attempts = 0;
    for (;;) {
      attempts++;
      try {
        if (attempts > 1) (b.root.messages as PersistentList<string>).push('from b');
        await tmB.commit();
        break;
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        await tmB.abort();
      }
    }
    expect(attempts).toBe(2);
    const reader = db.open({ transactionManager: new TransactionManager() });
    expect((reader.root.messages as PersistentList<string>).toArray()).toEqual([
      'from a',
      'from b',
    ]);
    await db.close();
  });
});
