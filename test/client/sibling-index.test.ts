/**
 * The sibling index: the reference lists of recently read large records,
 * bounded in number, answering "which uncached objects follow this one".
 */

import { describe, expect, it } from 'vitest';
import { SIBLING_RECORDS_MAX, SiblingIndex } from '../../src/client/sibling-index.js';
import { DB } from '../../src/connection/db.js';
import type { Oid } from '../../src/ids.js';
import { PersistentMapping } from '../../src/persistent/index.js';
import { TransactionManager } from '../../src/transaction/index.js';

/** Commits `containers` mappings of `children` children each; returns their records and child oids. */
async function containerRecords(
  containers: number,
  children: number,
): Promise<{ oid: Oid; data: Uint8Array; children: Oid[] }[]> {
  const db = new DB(null);
  const tm = new TransactionManager();
  const conn = db.open({ transactionManager: tm });
  const mappings = Array.from({ length: containers }, () => {
    const mapping = new PersistentMapping();
    for (let i = 0; i < children; i++) mapping.set(`k${i}`, new PersistentMapping());
    return mapping;
  });
  conn.root.containers = mappings;
  await tm.commit();
  const at = db.storage.lastTransaction();
  const records = mappings.map((mapping) => ({
    oid: mapping._p_oid!,
    data: db.storage.loadAt(mapping._p_oid!, at)!.data!,
    children: [...mapping.values()].map((child) => (child as PersistentMapping)._p_oid!),
  }));
  await db.close();
  return records;
}

describe('SiblingIndex', () => {
  it('lists the objects after a missed one, skipping those the caller has', async () => {
    const [record] = await containerRecords(1, 20);
    const index = new SiblingIndex();
    index.remember(record!.oid, record!.data, 5);
    const kids = record!.children;
    const cached = new Set([kids[4]!, kids[6]!]);
    expect(index.siblingsAfter(kids[3]!, 4, (oid) => cached.has(oid))).toEqual([
      kids[5],
      kids[7],
      kids[8],
      kids[9],
    ]);
    expect(index.siblingsAfter(kids[19]!, 4, () => false)).toEqual([]);
  });

  it('does not keep a record whose references all came with it', async () => {
    const [record] = await containerRecords(1, 10);
    const index = new SiblingIndex();
    index.remember(record!.oid, record!.data, 10);
    expect(index.siblingsAfter(record!.children[0]!, 4, () => false)).toEqual([]);
  });

  it(`keeps only the last ${SIBLING_RECORDS_MAX} records`, async () => {
    const records = await containerRecords(SIBLING_RECORDS_MAX + 1, 3);
    const index = new SiblingIndex();
    for (const record of records) index.remember(record.oid, record.data, 0);
    const [oldest, ...kept] = records;
    expect(index.siblingsAfter(oldest!.children[0]!, 2, () => false)).toEqual([]);
    for (const record of kept) {
      expect(index.siblingsAfter(record.children[0]!, 2, () => false)).toEqual(
        record.children.slice(1),
      );
    }
  });
});
