/**
 * The data manager that carries out `db.undo()`: it joins the transaction
 * and, in the commit phase, asks the storage to undo each requested
 * transaction.
 *
 * @module
 */

import type { Oid } from '../ids.js';
import type { UndoStorage } from '../storage/interfaces.js';
import type { DataManager } from '../transaction/interfaces.js';
import type { Transaction } from '../transaction/transaction.js';

/** Undoes transactions of one storage as part of a transaction. */
export class UndoDataManager implements DataManager {
  private readonly storage: UndoStorage;
  private readonly ids: string[] = [];
  private readonly onDone: () => void;
  /** The oids the undo changed, once committed. */
  readonly undoneOids: Oid[] = [];

  constructor(storage: UndoStorage, onDone: () => void) {
    this.storage = storage;
    this.onDone = onDone;
  }

  /** Adds a transaction id to undo. */
  add(id: string): void {
    this.ids.push(id);
  }

  sortKey(): string {
    return `${this.storage.sortKey()}:undo`;
  }

  abort(): void {
    this.onDone();
  }

  async tpcBegin(txn: Transaction): Promise<void> {
    await this.storage.tpcBegin(txn);
  }

  async commit(txn: Transaction): Promise<void> {
    for (const id of this.ids) this.undoneOids.push(...(await this.storage.undo(id, txn)));
  }

  async tpcVote(txn: Transaction): Promise<void> {
    await this.storage.tpcVote(txn);
  }

  async tpcFinish(txn: Transaction): Promise<void> {
    await this.storage.tpcFinish(txn);
    this.onDone();
  }

  async tpcAbort(txn: Transaction): Promise<void> {
    await this.storage.tpcAbort(txn);
    this.onDone();
  }
}
