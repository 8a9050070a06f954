import { describe, expect, it } from 'vitest';
import { DB } from '../../src/connection/db.js';
import { MappingStorage } from '../../src/storage/mapping/index.js';
import type { StorageDB } from '../../src/storage/interfaces.js';
import type { Oid, Tid } from '../../src/ids.js';
import type { Transaction } from '../../src/transaction/transaction.js';
import { TransactionManager } from '../../src/transaction/index.js';
import { Account } from './fixtures.js';

/**
 * A storage that can hold back the invalidations of a commit and deliver
 * them while the next commit finishes, as a network storage may when they
 * arrive late.
 */
class LateInvalidationStorage extends MappingStorage {
  holding = false;
  private held: { tid: Tid; oids: readonly Oid[] }[] = [];
  private target: StorageDB | undefined;

  override registerDB(db: StorageDB): void {
    this.target = db;
    super.registerDB({
      invalidate: (tid, oids) => {
        if (this.holding) this.held.push({ tid, oids });
        else db.invalidate(tid, oids);
      },
      invalidateCache: () => db.invalidateCache(),
      tryToResolveConflict: (...args) => db.tryToResolveConflict(...args),
    });
  }

  override async tpcFinish(txn: Transaction): Promise<Tid> {
    const late = this.held;
    this.held = [];
    for (const { tid, oids } of late) this.target?.invalidate(tid, oids);
    return super.tpcFinish(txn);
  }
}

describe("a connection's own commit", () => {
  it('drops only its own invalidations: others delivered while it finishes still apply', async () => {
    const storage = new LateInvalidationStorage();
    const db = new DB(storage);
    const tmA = new TransactionManager();
    const tmB = new TransactionManager();
    const a = db.open({ transactionManager: tmA });
    a.root.x = new Account();
    a.root.y = new Account();
    await tmA.commit();
    const b = db.open({ transactionManager: tmB });
    (b.root.x as Account).balance = 10;
    expect((a.root.x as Account).balance).toBe(0);

    storage.holding = true;
    await tmB.commit();
    storage.holding = false;
    (a.root.y as Account).balance = 5;
    await tmA.commit();

    expect((a.root.x as Account).balance).toBe(10);
    expect((a.root.y as Account).balance).toBe(5);
    expect(a.root.y._p_changed).toBe(false);
    a.close();
    b.close();
    await db.close();
  });
});
