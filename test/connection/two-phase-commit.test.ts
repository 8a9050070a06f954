/**
 * A ZODB connection and a non-database data manager commit atomically
 * together: both or neither.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB } from '../../src/connection/db.js';
import { ConflictError } from '../../src/errors.js';
import { TransactionManager } from '../../src/transaction/index.js';
import type { DataManager, Transaction } from '../../src/transaction/index.js';
import { Account } from './fixtures.js';

/** Writes a file atomically: a temporary file at vote, renamed at finish. */
class FileDataManager implements DataManager {
  readonly path: string;
  private readonly content: string;
  failVote = false;
  constructor(path: string, content: string) {
    this.path = path;
    this.content = content;
  }
  sortKey(): string {
    return `file:${this.path}`;
  }
  abort(): void {
    rmSync(`${this.path}.tmp`, { force: true });
  }
  tpcBegin(): void {}
  commit(): void {
    writeFileSync(`${this.path}.tmp`, this.content);
  }
  tpcVote(): void {
    if (this.failVote) throw new Error('disk full (simulated)');
  }
  tpcFinish(): void {
    renameSync(`${this.path}.tmp`, this.path);
  }
  tpcAbort(_txn: Transaction): void {
    rmSync(`${this.path}.tmp`, { force: true });
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zodb-2pc-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function setup() {
  const db = new DB(null);
  const tm = new TransactionManager();
  const conn = db.open({ transactionManager: tm });
  conn.root.account = new Account();
  await tm.commit();
  return { db, tm, conn, account: conn.root.account as Account };
}

describe('two-phase commit across a connection and a file', () => {
  it('commits both when both vote yes', async () => {
    const { db, tm, account } = await setup();
    const file = new FileDataManager(join(dir, 'receipt.txt'), 'deposited 10');
    account.deposit(10);
    tm.get().join(file);
    await tm.commit();
    expect(readFileSync(file.path, 'utf8')).toBe('deposited 10');
    const reader = db.open({ transactionManager: new TransactionManager() });
    expect((reader.root.account as Account).balance).toBe(10);
    await db.close();
  });

  it('commits neither when the file manager votes no', async () => {
    const { db, tm, account } = await setup();
    const file = new FileDataManager(join(dir, 'receipt.txt'), 'deposited 10');
    file.failVote = true;
    account.deposit(10);
    tm.get().join(file);
    await expect(tm.commit()).rejects.toThrow('disk full');
    await tm.abort();
    expect(existsSync(file.path)).toBe(false);
    expect(existsSync(`${file.path}.tmp`)).toBe(false);
    const reader = db.open({ transactionManager: new TransactionManager() });
    expect((reader.root.account as Account).balance).toBe(0);
    expect(account.balance).toBe(0);
    await db.close();
  });

  it('commits neither when the database votes no (a conflict)', async () => {
    const { db, tm, account } = await setup();
    const otherTm = new TransactionManager();
    const other = db.open({ transactionManager: otherTm });
    (other.root.account as Account).deposit(1);
    await otherTm.commit();

    const file = new FileDataManager(join(dir, 'receipt.txt'), 'deposited 10');
    account.deposit(10);
    tm.get().join(file);
    await expect(tm.commit()).rejects.toThrow(ConflictError);
    await tm.abort();
    expect(existsSync(file.path)).toBe(false);
    expect(account.balance).toBe(1);
    await db.close();
  });

  it('refuses commit and join after a failed commit until aborted', async () => {
    const { db, tm, account } = await setup();
    const file = new FileDataManager(join(dir, 'receipt.txt'), 'x');
    file.failVote = true;
    account.deposit(1);
    tm.get().join(file);
    await expect(tm.commit()).rejects.toThrow('disk full');
    await expect(tm.commit()).rejects.toThrow(/failed/i);
    expect(() => account.deposit(1)).toThrow(/failed/i);
    await tm.abort();
    account.deposit(2);
    await tm.commit();
    expect(account.balance).toBe(2);
    await db.close();
  });
});
