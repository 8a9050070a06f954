/**
 * Database files for the CLI and tool tests, built in-process in a few
 * milliseconds:
 *
 * - `sample.fs`: a sound database. Transactions on three days of January
 *   2024 (root, an OOBTree of 200 documents, an IIBTree of 1,000 ints, an
 *   OOTreeSet of tags), then, committed now, objects of the application
 *   class `app.Document` that no process has a class for (written as raw
 *   records), and a last, undoable change retitling one of them.
 * - `broken.fs`: `sample.fs` plus logical damage: a reference to a deleted
 *   object, one to an oid that never existed, and a bucket of the IIBTree
 *   whose keys are out of order.
 * - `damaged.fs`: `sample.fs` with the trailing length of its second
 *   transaction overwritten (structural damage).
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { DB } from '../../../src/connection/db.js';
import { IIBTree, OOBTree, OOTreeSet } from '../../../src/btrees/index.js';
import type { Oid, Tid } from '../../../src/ids.js';
import { ROOT_OID, ZERO_TID } from '../../../src/ids.js';
import { PersistentMapping } from '../../../src/persistent/index.js';
import {
  decodeRecordGeneric,
  encodeRecord,
  PersistentReference,
} from '../../../src/serialize/index.js';
import { FileStorage } from '../../../src/storage/file/file-storage.js';
import type { TransactionMetaData } from '../../../src/storage/interfaces.js';
import { MappingStorage } from '../../../src/storage/mapping/mapping-storage.js';
import { TimeStamp } from '../../../src/timestamp.js';
import { TransactionManager } from '../../../src/transaction/index.js';

/** What the tests need to know about the sample files. */
export interface SampleDatabases {
  readonly directory: string;
  readonly sample: string;
  readonly broken: string;
  readonly damaged: string;
  /** Oids of the raw `app.Document` records in `sample.fs`. */
  readonly documents: readonly Oid[];
  /** The oid of the root's `docs` OOBTree and of the `index` IIBTree. */
  readonly docsTree: Oid;
  readonly indexTree: Oid;
  /** In `broken.fs`: the deleted document (still referenced) and the never-created oid referenced. */
  readonly deletedDocument: Oid;
  readonly absentOid: Oid;
  /** In `broken.fs`: the bucket whose keys were put out of order. */
  readonly brokenBucket: Oid;
  /** Number of transactions in `sample.fs`. */
  readonly transactions: number;
  /** The tid of the last transaction of `sample.fs` (the undoable `retitle document 2`, by alice). */
  readonly lastTid: Tid;
  /** Byte size of `sample.fs`. */
  readonly sampleBytes: number;
}

const DAYS = ['2024-01-01T10:00:00Z', '2024-01-02T10:00:00Z', '2024-01-03T10:00:00Z'];

const meta = (description: string, user = 'builder'): TransactionMetaData => ({
  user,
  description,
  extension: {},
});

/** Builds the three files in `directory` (which must exist). */
export async function buildSampleDatabases(directory: string): Promise<SampleDatabases> {
  const sample = path.join(directory, 'sample.fs');
  const { docsTree, indexTree } = await buildDatedHistory(sample);
  const storage = new FileStorage(sample);
  const documents = await addDocuments(storage, 3);
  await retitle(storage, documents[2]!);
  const lastTid = storage.lastTransaction();
  const transactions = [...storage.iterator()].length;
  await storage.close();

  const broken = path.join(directory, 'broken.fs');
  fs.copyFileSync(sample, broken);
  const damage = await breakLogically(broken, documents, indexTree);

  const damaged = path.join(directory, 'damaged.fs');
  fs.copyFileSync(sample, damaged);
  damageStructure(damaged);

  return {
    directory,
    sample,
    broken,
    damaged,
    documents,
    docsTree,
    indexTree,
    ...damage,
    transactions,
    lastTid,
    sampleBytes: fs.statSync(sample).size,
  };
}

/** Commits the library structures in memory, then copies them into `file` with tids on three days. */
async function buildDatedHistory(file: string): Promise<{ docsTree: Oid; indexTree: Oid }> {
  const memory = new MappingStorage();
  const db = new DB(memory);
  const tm = new TransactionManager();
  const conn = db.open({ transactionManager: tm });
  const docs = new OOBTree<string, PersistentMapping<string, unknown>>();
  const index = new IIBTree();
  conn.root.docs = docs;
  conn.root.index = index;
  conn.root.tags = new OOTreeSet(['alpha', 'beta']);
  tm.get().note('create structures');
  await tm.commit();
  for (let i = 0; i < 200; i++)
    docs.set(`doc-${String(i).padStart(3, '0')}`, new PersistentMapping([['n', i]]));
  tm.get().note('add 200 documents');
  tm.get().user = 'bob';
  await tm.commit();
  for (let i = 0; i < 1000; i++) index.set(i, i * 2);
  tm.get().note('fill the index');
  await tm.commit();
  const ids = { docsTree: docs._p_oid!, indexTree: index._p_oid! };
  conn.close();

  const target = new FileStorage(file, { create: true });
  let day = 0;
  for (const transaction of memory.iterator()) {
    const tid = TimeStamp.fromDate(new Date(DAYS[day++]!)).value;
    const m = {
      user: transaction.user,
      description: transaction.description,
      extension: transaction.extension,
    };
    await target.tpcBegin(m, tid);
    for (const record of transaction.records)
      target.restore(record.oid, tid, record.data, undefined, m);
    await target.tpcVote(m);
    await target.tpcFinish(m);
  }
  await target.close();
  await db.close();
  return ids;
}

/** Refers to persistent objects in raw records without any class. */
const rawContext = {
  persistentRef: (value: object) => (value instanceof PersistentReference ? value : undefined),
};

/** Stores `count` raw `app.Document` records and lists them in the root as `documents`. */
async function addDocuments(storage: FileStorage, count: number): Promise<Oid[]> {
  const at = storage.lastTransaction();
  const rootRecord = storage.loadAt(ROOT_OID, at)!;
  const root = decodeRecordGeneric(rootRecord.data!);
  const oids = Array.from({ length: count }, () => storage.newOid());
  const m = meta('add application documents', 'carol');
  await storage.tpcBegin(m);
  oids.forEach((oid, i) => {
    const state = {
      title: `Document ${i}`,
      tags: new Set(['x']),
      created: new Date('2024-01-04T00:00:00Z'),
    };
    storage.store(oid, ZERO_TID, encodeRecord('app.Document', state, rawContext), m);
  });
  const rootState = root.state as Record<string, unknown>;
  rootState.documents = oids.map((oid) => new PersistentReference(oid, 'app.Document'));
  storage.store(
    ROOT_OID,
    rootRecord.serial,
    encodeRecord(root.className, rootState, rawContext),
    m,
  );
  await storage.tpcVote(m);
  await storage.tpcFinish(m);
  return oids;
}

/** Changes the title of a document, as alice. */
async function retitle(storage: FileStorage, oid: Oid): Promise<void> {
  const current = storage.loadAt(oid, storage.lastTransaction())!;
  const record = decodeRecordGeneric(current.data!);
  (record.state as Record<string, unknown>).title = 'Retitled';
  const m = meta('retitle document 2', 'alice');
  await storage.tpcBegin(m);
  storage.store(oid, current.serial, encodeRecord(record.className, record.state, rawContext), m);
  await storage.tpcVote(m);
  await storage.tpcFinish(m);
}

/** Deletes a referenced document, refers to an absent oid, and disorders a bucket. */
async function breakLogically(
  file: string,
  documents: readonly Oid[],
  indexTree: Oid,
): Promise<{ deletedDocument: Oid; absentOid: Oid; brokenBucket: Oid }> {
  const storage = new FileStorage(file);
  const at = storage.lastTransaction();
  const deletedDocument = documents[0]!;
  const absentOid = 0xdead;
  const m = meta('break things');
  await storage.tpcBegin(m);
  storage.deleteObject(deletedDocument, storage.loadAt(deletedDocument, at)!.serial, m);
  const second = documents[1]!;
  const record = decodeRecordGeneric(storage.loadAt(second, at)!.data!);
  (record.state as Record<string, unknown>).related = new PersistentReference(
    absentOid,
    'app.Document',
  );
  storage.store(
    second,
    storage.loadAt(second, at)!.serial,
    encodeRecord(record.className, record.state, rawContext),
    m,
  );
  const brokenBucket = firstChild(storage, indexTree, at);
  const bucket = decodeRecordGeneric(storage.loadAt(brokenBucket, at)!.data!);
  const keys = (bucket.state as unknown[])[0] as Int32Array;
  [keys[0], keys[1]] = [keys[1]!, keys[0]!];
  storage.store(
    brokenBucket,
    storage.loadAt(brokenBucket, at)!.serial,
    encodeRecord(bucket.className, bucket.state, rawContext),
    m,
  );
  await storage.tpcVote(m);
  await storage.tpcFinish(m);
  await storage.close();
  return { deletedDocument, absentOid, brokenBucket };
}

function firstChild(storage: FileStorage, tree: Oid, at: Tid): Oid {
  const state = decodeRecordGeneric(storage.loadAt(tree, at)!.data!).state as {
    children: PersistentReference[];
  };
  return state.children[0]!.oid;
}

/** Overwrites the redundant length after the second transaction. */
function damageStructure(file: string): void {
  const bytes = fs.readFileSync(file);
  const firstLength = Number(bytes.readBigUInt64BE(4 + 8));
  const second = 4 + firstLength + 8;
  const secondLength = Number(bytes.readBigUInt64BE(second + 8));
  bytes.writeBigUInt64BE(12345n, second + secondLength);
  fs.writeFileSync(file, bytes);
}
