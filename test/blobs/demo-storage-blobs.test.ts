/** DemoStorage blobs: new blobs go to its changes (a temporary directory); base blobs stay readable. */
import { describe, expect, it } from 'vitest';
import { Blob } from '../../src/blob/index.js';
import { DB } from '../../src/connection/db.js';
import { DemoStorage } from '../../src/storage/demo/index.js';
import { MappingStorage } from '../../src/storage/mapping/mapping-storage.js';
import { TransactionManager } from '../../src/transaction/index.js';

describe('DemoStorage blobs', () => {
  it('reads base blobs and keeps changed blobs in its changes, leaving the base untouched', async () => {
    const base = new MappingStorage();
    const baseDB = new DB(base);
    const tm = new TransactionManager();
    const baseConn = baseDB.open({ transactionManager: tm });
    const original = new Blob('from base');
    baseConn.root.blob = original;
    await tm.commit();
    baseConn.close();

    const demoDB = new DB(new DemoStorage({ base, closeBaseOnClose: false }));
    const demoTm = new TransactionManager();
    const demoConn = demoDB.open({ transactionManager: demoTm });
    const blob = demoConn.root.blob as Blob;
    expect((await blob.read()).toString()).toBe('from base');
    await blob.write('changed in demo');
    demoConn.root.added = new Blob('new in demo');
    await demoTm.commit();
    expect((await blob.read()).toString()).toBe('changed in demo');
    expect((await (demoConn.root.added as Blob).read()).toString()).toBe('new in demo');
    await demoDB.close();

    const check = baseDB.open({ transactionManager: tm });
    expect((await (check.root.blob as Blob).read()).toString()).toBe('from base');
    await baseDB.close();
  });
});
