import { describe, expect, expectTypeOf, it } from 'vitest';

import type { TransactionMetaData } from '../../src/storage/interfaces.js';
import {
  DoomedTransaction,
  TransactionError,
  TransactionManager,
  type Transaction,
} from '../../src/transaction/index.js';
import { RecordingDataManager } from './recording-data-manager.js';

describe('transaction metadata', () => {
  it('starts empty and Active', () => {
    const txn = new TransactionManager().get();
    expect(txn.user).toBe('');
    expect(txn.description).toBe('');
    expect(txn.extension).toEqual({});
    expect(txn.status).toBe('Active');
  });

  it('note() trims each note and joins notes with a newline', () => {
    const txn = new TransactionManager().get();
    txn.note('  first  ');
    txn.note('\tsecond\n');
    expect(txn.description).toBe('first\nsecond');
  });

  it('setUser() stores "path name", with "/" as the default path', () => {
    const txn = new TransactionManager().get();
    txn.setUser('alice');
    expect(txn.user).toBe('/ alice');
    txn.setUser('bob', '/site');
    expect(txn.user).toBe('/site bob');
    txn.user = 'plain';
    expect(txn.user).toBe('plain');
  });

  it('setExtendedInfo() sets one extension entry', () => {
    const txn = new TransactionManager().get();
    txn.setExtendedInfo('request', '/orders');
    txn.setExtendedInfo('size', 3);
    expect(txn.extension).toEqual({ request: '/orders', size: 3 });
  });

  it("is usable as the storage layer's TransactionMetaData", () => {
    expectTypeOf<Transaction>().toMatchTypeOf<TransactionMetaData>();
    const txn = new TransactionManager().get();
    const meta: TransactionMetaData = txn;
    expect(meta.user).toBe('');
  });

  it('keeps per-object scratch data until the transaction completes', async () => {
    const tm = new TransactionManager();
    const txn = tm.get();
    const key = {};
    expect(txn.data(key)).toBeUndefined();
    txn.setData(key, { pending: 2 });
    expect(txn.data(key)).toEqual({ pending: 2 });
    expect(txn.data({})).toBeUndefined();
    await txn.abort();
    expect(txn.data(key)).toBeUndefined();
  });

  it('knows the manager that made it', () => {
    const tm = new TransactionManager();
    expect(tm.get().manager).toBe(tm);
  });
});

describe('doom', () => {
  it('makes commit throw DoomedTransaction without calling any data manager', async () => {
    const log: string[] = [];
    const txn = new TransactionManager().get();
    txn.join(new RecordingDataManager('dm', log));
    txn.doom();
    expect(txn.isDoomed()).toBe(true);
    expect(txn.status).toBe('Doomed');
    await expect(txn.commit()).rejects.toThrow(DoomedTransaction);
    expect(log).toEqual([]);
  });

  it('leaves the transaction working otherwise: joins and savepoints work, abort ends it', async () => {
    const log: string[] = [];
    const tm = new TransactionManager();
    const txn = tm.get();
    tm.doom();
    expect(tm.isDoomed()).toBe(true);
    txn.join(new RecordingDataManager('dm', log));
    expect(() => txn.savepoint(true)).not.toThrow();
    await expect(txn.commit()).rejects.toThrow(DoomedTransaction);
    await tm.abort();
    expect(log).toEqual(['dm.abort']);
    expect(tm.get()).not.toBe(txn);
    expect(tm.isDoomed()).toBe(false);
  });

  it('is idempotent', () => {
    const txn = new TransactionManager().get();
    txn.doom();
    txn.doom();
    expect(txn.isDoomed()).toBe(true);
  });

  it('is refused for a committed transaction', async () => {
    const txn = new TransactionManager().get();
    await txn.commit();
    expect(() => txn.doom()).toThrow(TransactionError);
  });
});
