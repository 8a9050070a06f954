/** The database on its embedded default, FileStorage: durability, undo, pack and history through the DB. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB } from '../../src/connection/db.js';
import { POSKeyError, UndoError } from '../../src/errors.js';
import { PersistentMapping } from '../../src/persistent/index.js';
import { FileStorage } from '../../src/storage/file/index.js';
import { TransactionManager } from '../../src/transaction/index.js';
import { Account } from './fixtures.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zodb-db-fs-'));
  path = join(dir, 'Data.fs');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a database on a FileStorage', () => {
  it('new DB(path) creates the file, and the data is there after reopening', async () => {
    const db = new DB(path);
    const tm = new TransactionManager();
    const conn = db.open({ transactionManager: tm });
    conn.root.accounts = new PersistentMapping([['alice', new Account()]]);
    (conn.root.accounts as PersistentMapping<string, Account>).get('alice')!.deposit(42);
    tm.get().note('open alice');
    await tm.commit();
    await db.close();

    const again = new DB(path);
    const reader = again.open({ transactionManager: new TransactionManager() });
    const accounts = reader.root.accounts as PersistentMapping<string, Account>;
    expect(accounts.get('alice')!.balance).toBe(42);
    const history = again.history(accounts.get('alice')!, 5);
    expect(history[0]!.description).toBe('open alice');
    await again.close();
  });

  it('undoes a transaction through db.undo(), and refuses one whose objects changed since', async () => {
    const db = new DB(path);
    const tm = new TransactionManager();
    const conn = db.open({ transactionManager: tm });
    conn.root.account = new Account();
    await tm.commit();
    const account = conn.root.account as Account;
    account.deposit(10);
    tm.get().note('deposit 10');
    await tm.commit();
    expect(db.undoLog(0, 1)[0]!.description).toBe('deposit 10');

    db.undo(db.undoLog(0, 1)[0]!.id, tm.get());
    await tm.commit();
    expect(account.balance).toBe(0);

    account.deposit(5);
    await tm.commit();
    account.deposit(7);
    await tm.commit();
    // Undo "deposit 5": the account was changed again since, so it is refused.
    db.undoMultiple([db.undoLog(0, 2)[1]!.id], tm.get());
    await expect(tm.commit()).rejects.toThrow(UndoError);
    await tm.abort();
    expect(account.balance).toBe(12);
    await db.close();
  });

  it('an undo cannot share its transaction with other changes', async () => {
    const db = new DB(path);
    const tm = new TransactionManager();
    const conn = db.open({ transactionManager: tm });
    conn.root.a = 1;
    await tm.commit();
    conn.root.a = 2;
    db.undo(db.undoLog(0, 1)[0]!.id, tm.get());
    await expect(tm.commit()).rejects.toThrow(UndoError);
    await tm.abort();
    await db.close();
  });

  it('pack removes old revisions and unreachable objects', async () => {
    const db = new DB(path);
    const tm = new TransactionManager();
    const conn = db.open({ transactionManager: tm });
    const kept = new Account();
    const dropped = new Account();
    conn.root.kept = kept;
    conn.root.dropped = dropped;
    await tm.commit();
    const firstSerial = kept._p_serial;
    kept.deposit(1);
    delete conn.root.dropped;
    await tm.commit();
    const droppedOid = dropped._p_oid as number;
    const sizeBefore = db.getSize();
    await db.pack();
    expect(db.getSize()).toBeLessThan(sizeBefore);
    expect(() => db.storage.loadSerial(kept._p_oid as number, firstSerial)).toThrow(POSKeyError);
    expect(db.storage.loadAt(droppedOid, db.lastTransaction())).toBeNull();
    const reader = db.open({ transactionManager: new TransactionManager() });
    expect((reader.root.kept as Account).balance).toBe(1);
    await db.close();
  });

  it('a historical connection sees an older state of the file', async () => {
    const db = new DB(path);
    const tm = new TransactionManager();
    const conn = db.open({ transactionManager: tm });
    conn.root.account = new Account();
    await tm.commit();
    const before = db.lastTransaction();
    (conn.root.account as Account).deposit(3);
    await tm.commit();
    const past = db.open({ at: before });
    expect((past.root.account as Account).balance).toBe(0);
    await db.close();
  });

  it('two DBs in one process on one file: the second writer is refused', async () => {
    const db = new DB(path);
    expect(() => new DB(new FileStorage(path))).toThrow(/lock/i);
    await db.close();
  });
});
