/**
 * The bank of the multi-process transfer test: `root.accounts` is a list
 * of accounts, each its own persistent object (a PersistentMapping with a
 * `balance`), so two transfers touching one account conflict.
 */

import { DB } from '../../../src/connection/db.js';
import { PersistentList, PersistentMapping } from '../../../src/persistent/index.js';
import type { Storage } from '../../../src/storage/interfaces.js';
import { TransactionManager } from '../../../src/transaction/index.js';

/** One account. */
export type Account = PersistentMapping<'balance', number>;

/** The accounts of a bank's root. */
export function accountsOf(root: Record<string, unknown>): PersistentList<Account> {
  const accounts = root.accounts;
  if (!(accounts instanceof PersistentList)) throw new TypeError('the root has no accounts list');
  return accounts as PersistentList<Account>;
}

/** Creates `count` accounts holding `balance` each in an empty storage, and closes it. */
export async function openBank(storage: Storage, count: number, balance: number): Promise<void> {
  const db = new DB(storage);
  const tm = new TransactionManager();
  const conn = db.open({ transactionManager: tm });
  const accounts = new PersistentList<Account>();
  for (let i = 0; i < count; i++) accounts.push(new PersistentMapping([['balance', balance]]));
  conn.root.accounts = accounts;
  await tm.commit();
  await db.close();
}

/** The sum of every account's balance, read in a fresh transaction; closes the storage. */
export async function totalBalance(storage: Storage): Promise<number> {
  const db = new DB(storage);
  const tm = new TransactionManager();
  const conn = db.open({ transactionManager: tm });
  let total = 0;
  for (const account of accountsOf(conn.root)) total += account.get('balance') ?? NaN;
  await tm.abort();
  await db.close();
  return total;
}
