/**
 * The tutorial's bank accounts, in TypeScript.
 *
 * Run it with `npm run quickstart` (after `npm ci`). It keeps its data in
 * `quickstart-data/` beside this file when a file storage is available, so
 * each run adds to the balances of the previous one.
 */
import { DB, Persistent, PersistentMapping, registerClass, transaction } from 'zodb';
import { openQuickstartStorage } from './quickstart-storage.js';

/** A bank account: a persistent class with plain fields and methods. */
class Account extends Persistent {
  balance = 0;
  owner: string;

  constructor(owner: string) {
    super();
    this.owner = owner;
  }

  deposit(amount: number): void {
    this.balance += amount;
  }

  cash(amount: number): void {
    if (!(amount < this.balance)) throw new RangeError(`${this.owner} cannot cash ${amount}`);
    this.balance -= amount;
  }
}
registerClass(Account, 'quickstart.Account');

interface BankRoot {
  accounts?: PersistentMapping<string, Account>;
}

const { storage, description } = await openQuickstartStorage();
const db = new DB(storage);
const conn = db.open<BankRoot>();

conn.root.accounts ??= new PersistentMapping<string, Account>();
const accounts = conn.root.accounts;
for (const owner of ['alice', 'bob']) {
  if (!accounts.has(owner)) accounts.set(owner, new Account(owner));
}
transaction.get().note('open accounts');
await transaction.commit();

accounts.get('alice')?.deposit(100);
accounts.get('bob')?.deposit(50);
transaction.get().note('deposits');
await transaction.commit();

try {
  accounts.get('bob')?.cash(1_000_000);
  await transaction.commit();
} catch (error) {
  await transaction.abort();
  console.log(`refused and rolled back: ${(error as Error).message}`);
}

console.log(`storage: ${description}`);
for (const [owner, account] of accounts) console.log(`${owner}: ${account.balance}`);
const history = db.history(accounts.get('alice') as Account, 3);
console.log(
  `alice's account has ${history.length} recent revision(s), last: "${history[0]?.description}"`,
);

conn.close();
await db.close();
