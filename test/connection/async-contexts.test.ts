/** Connections used from concurrent async contexts with the default transaction manager. */
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/connection/db.js';
import * as transaction from '../../src/transaction/index.js';
import { TransactionManager } from '../../src/transaction/index.js';
import { Account } from './fixtures.js';

describe('the default manager with async contexts', () => {
  it('gives each concurrent request its own transaction and connection', async () => {
    const db = new DB(null);
    const setup = db.open({ transactionManager: new TransactionManager() });
    setup.root.a = new Account();
    setup.root.b = new Account();
    await setup.transactionManager.commit();
    setup.close();

    const request = (name: 'a' | 'b', amount: number) =>
      transaction.manager.runInContext(async () => {
        const conn = db.open();
        try {
          (conn.root[name] as Account).deposit(amount);
          await new Promise((resolve) => setTimeout(resolve, 5)); // interleave the two requests
          transaction.get().note(`deposit into ${name}`);
          await transaction.commit();
        } finally {
          await transaction.abort();
          conn.close();
        }
      });
    await Promise.all([request('a', 10), request('b', 20)]);

    const reader = db.open({ transactionManager: new TransactionManager() });
    expect((reader.root.a as Account).balance).toBe(10);
    expect((reader.root.b as Account).balance).toBe(20);
    expect(db.history(reader.root.a as Account, 1)[0]!.description).toBe('deposit into a');
    await db.close();
  });

  it('an abort in one context leaves the other context’s changes alone', async () => {
    const db = new DB(null);
    const setup = db.open({ transactionManager: new TransactionManager() });
    setup.root.a = new Account();
    await setup.transactionManager.commit();
    setup.close();

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const writer = transaction.manager.runInContext(async () => {
      const conn = db.open();
      (conn.root.a as Account).deposit(5);
      await gate;
      await transaction.commit();
      conn.close();
    });
    await transaction.manager.runInContext(async () => {
      const conn = db.open();
      await transaction.abort();
      conn.close();
    });
    release();
    await writer;
    const reader = db.open({ transactionManager: new TransactionManager() });
    expect((reader.root.a as Account).balance).toBe(5);
    await db.close();
  });
});
