/** DB features: pool, db.transaction, statistics, errors at commit. */
import { describe, expect, it, vi } from 'vitest';
import { DB } from '../../src/connection/db.js';
import { ConnectionStateError, POSKeyError, UnstorableValueError } from '../../src/errors.js';
import { PersistentList, PersistentMapping } from '../../src/persistent/index.js';
import { TransactionManager } from '../../src/transaction/index.js';
import { Account, Node, Point, Stray } from './fixtures.js';

/** An in-memory database with one connection on its own transaction manager. */
function openDatabase() {
  const db = new DB(null);
  const tm = new TransactionManager();
  return { db, tm, conn: db.open({ transactionManager: tm }) };
}

describe('the connection pool', () => {
  it('reuses a closed connection, keeping its cache', async () => {
    const db = new DB(null);
    const tm = new TransactionManager();
    const c1 = db.open({ transactionManager: tm });
    c1.root.account = new Account();
    await tm.commit();
    const account = c1.root.account;
    c1.close();
    const c2 = db.open({ transactionManager: tm });
    expect(c2).toBe(c1);
    expect(c2.root.account).toBe(account);
    await db.close();
  });

  it('refuses to close a connection with uncommitted changes', async () => {
    const { db, tm, conn } = openDatabase();
    conn.root.x = 1;
    expect(() => conn.close()).toThrow(ConnectionStateError);
    await tm.abort();
    conn.close();
    expect(() => conn.root).toThrow(ConnectionStateError);
    await db.close();
  });

  it('calls onCloseCallback functions on close', async () => {
    const db = new DB(null);
    const conn = db.open({ transactionManager: new TransactionManager() });
    const calls: string[] = [];
    conn.onCloseCallback(() => calls.push('closed'));
    conn.close();
    expect(calls).toEqual(['closed']);
    await db.close();
  });
});

describe('db.transaction()', () => {
  it('commits what the function did and returns its result', async () => {
    const db = new DB(null);
    const result = await db.transaction(
      (conn) => {
        conn.root.n = 41;
        return 'done';
      },
      { note: 'set n' },
    );
    expect(result).toBe('done');
    expect(await db.transaction((conn) => conn.root.n)).toBe(41);
    await db.close();
  });

  it('aborts when the function throws', async () => {
    const db = new DB(null);
    await expect(
      db.transaction((conn) => {
        conn.root.n = 1;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.transaction((conn) => conn.root.n)).toBeUndefined();
    await db.close();
  });
});

describe('connection.get() and add()', () => {
  it('get(oid) returns the object, and POSKeyError for an unknown oid', async () => {
    const { db, tm, conn } = openDatabase();
    const account = new Account();
    conn.add(account);
    await tm.commit();
    const other = db.open({ transactionManager: new TransactionManager() });
    expect(other.get<Account>(account._p_oid as number).balance).toBe(0);
    expect(() => other.get(12345)).toThrow(POSKeyError);
    expect(() => conn.add({} as object)).toThrow(TypeError);
    await db.close();
  });
});

describe('changes during a commit', () => {
  it('are refused with ConnectionStateError instead of being lost', async () => {
    const { db, tm, conn } = openDatabase();
    conn.root.a = new Account();
    conn.root.b = new Account();
    await tm.commit();
    const a = conn.root.a as Account;
    const b = conn.root.b as Account;
    a.deposit(1);
    const committing = tm.commit();
    expect(() => b.deposit(2)).toThrow(ConnectionStateError);
    await committing;
    b.deposit(3);
    await tm.commit();
    const reader = db.open({ transactionManager: new TransactionManager() });
    expect([(reader.root.a as Account).balance, (reader.root.b as Account).balance]).toEqual([
      1, 3,
    ]);
    await db.close();
  });
});

describe('older revisions and prefetch', () => {
  it('oldstate(obj, tid) returns the state an object had in an earlier revision', async () => {
    const { db, tm, conn } = openDatabase();
    const account = new Account();
    conn.root.account = account;
    await tm.commit();
    const first = account._p_serial;
    account.deposit(5);
    await tm.commit();
    expect(conn.oldstate(account, first)).toEqual({ balance: 0 });
    expect(conn.oldstate(account, account._p_serial)).toEqual({ balance: 5 });
    expect(() => conn.oldstate(account, 1n)).toThrow(POSKeyError);
    await db.close();
  });

  it('prefetch accepts oids, objects and lists of them, and resolves', async () => {
    const { db, tm, conn } = openDatabase();
    conn.root.a = new Account();
    await tm.commit();
    await expect(conn.prefetch(0, conn.root.a as Account, [0])).resolves.toBeUndefined();
    await db.close();
  });
});

describe('storing values', () => {
  it('refuses an unregistered persistent class at commit, naming it', async () => {
    const { db, tm, conn } = openDatabase();
    conn.root.stray = new Stray();
    await expect(tm.commit()).rejects.toThrow(UnstorableValueError);
    await tm.abort();
    await db.close();
  });

  it('refuses functions at commit, naming the attribute path', async () => {
    const { db, tm, conn } = openDatabase();
    conn.root.config = { nested: { callback: () => 1 } };
    await expect(tm.commit()).rejects.toThrow(/callback/);
    await tm.abort();
    await db.close();
  });

  it('round-trips plain values, registered value classes and nested persistent objects', async () => {
    const { db, tm, conn } = openDatabase();
    const node = new Node(1);
    node.children.push(new Node(2));
    conn.root.data = {
      when: new Date(0),
      big: 2n ** 70n,
      tags: new Set(['a']),
      map: new Map([[1, 'one']]),
      point: new Point(1, 2),
      node,
    };
    await tm.commit();
    const other = db.open({ transactionManager: new TransactionManager() });
    const data = other.root.data as typeof conn.root.data;
    expect(data.when).toEqual(new Date(0));
    expect(data.big).toBe(2n ** 70n);
    expect(data.tags).toEqual(new Set(['a']));
    expect(data.map.get(1)).toBe('one');
    expect(data.point).toBeInstanceOf(Point);
    expect(data.point.y).toBe(2);
    expect(data.node.children[0].value).toBe(2);
    await db.close();
  });

  it('warns when a record is larger than largeRecordSize', async () => {
    const db = new DB(null, { largeRecordSize: 100 });
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const tm = new TransactionManager();
    const conn = db.open({ transactionManager: tm });
    conn.root.blob = 'x'.repeat(1000);
    await tm.commit();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/largeRecordSize/), expect.anything());
    warn.mockRestore();
    await db.close();
  });
});

describe('cache statistics and limits', () => {
  it('a connection walking 100,000 objects with a cache size of 1,000 stays near that size', async () => {
    const db = new DB(null, { cacheSize: 1000 });
    const tm = new TransactionManager();
    const conn = db.open({ transactionManager: tm });
    const batches = new PersistentList<PersistentMapping<number, Account>>();
    conn.root.batches = batches;
    for (let b = 0; b < 100; b++) {
      const batch = new PersistentMapping<number, Account>();
      for (let i = 0; i < 1000; i++) {
        const account = new Account();
        account.balance = b * 1000 + i;
        batch.set(i, account);
      }
      batches.push(batch);
      await tm.commit();
    }
    const readerTm = new TransactionManager();
    const reader = db.open({ transactionManager: readerTm });
    let sum = 0;
    let peak = 0;
    for (const batch of reader.root.batches as PersistentList<PersistentMapping<number, Account>>) {
      for (const account of batch.values()) {
        sum += account.balance;
        if (account.balance % 100 === 0) peak = Math.max(peak, reader.cacheStats().nonGhostCount);
      }
      await readerTm.abort(); // a transaction boundary: the cache is trimmed to its target
    }
    expect(sum).toBe((99_999 * 100_000) / 2);
    expect(peak).toBeLessThanOrEqual(2 * 1000 + 3);
    reader.cacheGC();
    expect(reader.cacheStats().nonGhostCount).toBeLessThanOrEqual(1000);
    await db.close();
  });

  it('a byte limit works on its own', async () => {
    const db = new DB(null, { cacheSize: 0, cacheSizeBytes: 4000 });
    const tm = new TransactionManager();
    const conn = db.open({ transactionManager: tm });
    const list: Account[] = [];
    for (let i = 0; i < 200; i++) list.push(new Account());
    conn.root.list = list;
    await tm.commit();
    conn.cacheGC();
    const stats = conn.cacheStats();
    expect(stats.estimatedBytes).toBeLessThanOrEqual(4000);
    expect(stats.nonGhostCount).toBeGreaterThan(0);
    await db.close();
  });

  it('reports cacheSize, cacheDetail and cacheDetailSize, and cacheMinimize ghosts everything unchanged', async () => {
    const { db, tm, conn } = openDatabase();
    conn.root.a = new Account();
    conn.root.b = new Account();
    await tm.commit();
    expect(db.cacheSize()).toBe(3);
    expect(db.cacheDetail()).toContainEqual(['test.Account', 2]);
    expect(db.cacheDetailSize()[0]).toMatchObject({ ngsize: 3 });
    db.cacheMinimize();
    expect(db.cacheSize()).toBe(0);
    expect((conn.root.a as Account).balance).toBe(0);
    await db.close();
  });
});
