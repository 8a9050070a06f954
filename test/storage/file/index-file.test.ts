/**
 * The `.index` file: saved on close and after pack, used on open when it
 * matches the data file (position and last tid), caught up by scanning
 * transactions appended after it, and rebuilt (and saved again) when it is
 * missing, stale or damaged.
 */

import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT_OID, ZERO_TID } from '../../../src/ids.js';
import type { Oid } from '../../../src/ids.js';
import { FileStorage, loadIndexFile, rebuildIndex } from '../../../src/storage/file/index.js';
import { commit, record, serialOf, testReferences, valueAt } from '../conformance-support.js';
import { useTempDataPaths } from './temp-files.js';

const freshPath = useTempDataPaths('fs-index');

/** A storage with a few objects, one revision overwritten and one object deleted. */
async function populate(path: string): Promise<Oid[]> {
  const s = new FileStorage(path);
  const oids = [s.newOid(), s.newOid(), s.newOid()];
  await commit(s, [
    { oid: ROOT_OID, data: record('root', oids), serial: ZERO_TID },
    ...oids.map((oid) => ({ oid, data: record(`v1 ${oid}`), serial: ZERO_TID })),
  ]);
  await commit(s, [{ oid: oids[0]!, data: record('v2') }]);
  const meta = { user: '', description: 'delete', extension: {} };
  await s.tpcBegin(meta);
  s.deleteObject(oids[2]!, serialOf(s, oids[2]!), meta);
  await s.tpcVote(meta);
  await s.tpcFinish(meta);
  await s.close();
  return oids;
}

function sameIndexAsScan(path: string): void {
  const saved = loadIndexFile(`${path}.index`)!;
  const rebuilt = rebuildIndex(path);
  expect(saved.end).toBe(rebuilt.end);
  expect(saved.lastTid).toBe(rebuilt.lastTid);
  expect([...saved.index.entries()]).toEqual([...rebuilt.index.entries()]);
  expect([...saved.deleted.entries()]).toEqual([...rebuilt.deleted.entries()]);
}

describe('FileStorage index file', () => {
  it('is saved on close, equals a rebuild by scanning, and is used on the next open', async () => {
    const path = freshPath();
    const oids = await populate(path);
    sameIndexAsScan(path);
    const s = new FileStorage(path);
    expect(s.indexSource).toBe('saved');
    expect(valueAt(s, oids[0]!)).toBe('v2');
    expect(s.objectCount()).toBe(3);
    await s.close();
  });

  it('is rebuilt by scanning when missing, and saved again', async () => {
    const path = freshPath();
    const oids = await populate(path);
    fs.rmSync(`${path}.index`);
    const s = new FileStorage(path);
    expect(s.indexSource).toBe('scan');
    expect(fs.existsSync(`${path}.index`)).toBe(true);
    sameIndexAsScan(path);
    expect(valueAt(s, oids[1]!)).toBe(`v1 ${oids[1]}`);
    await s.close();
  });

  it('catches up with transactions appended after it was saved (a crash before close)', async () => {
    const path = freshPath();
    await populate(path);
    const older = fs.readFileSync(`${path}.index`);
    const s = new FileStorage(path);
    await commit(s, [{ oid: ROOT_OID, data: record('root 2') }]);
    await s.close();
    fs.writeFileSync(`${path}.index`, older);
    const reopened = new FileStorage(path);
    expect(reopened.indexSource).toBe('saved+scan');
    expect(valueAt(reopened, ROOT_OID)).toBe('root 2');
    sameIndexAsScan(path);
    await reopened.close();
  });

  it('is ignored when it belongs to another state of the file (position and tid do not match)', async () => {
    const path = freshPath();
    await populate(path);
    const other = freshPath();
    const s = new FileStorage(other);
    await commit(s, [{ oid: ROOT_OID, data: record('other file'), serial: ZERO_TID }]);
    await s.close();
    fs.copyFileSync(`${other}.index`, `${path}.index`);
    const reopened = new FileStorage(path);
    expect(reopened.indexSource).toBe('scan');
    expect(valueAt(reopened, ROOT_OID)).toBe('root');
    await reopened.close();
  });

  it('is ignored when damaged (its checksum fails)', async () => {
    const path = freshPath();
    await populate(path);
    const bytes = fs.readFileSync(`${path}.index`);
    bytes[bytes.length - 10]! ^= 0xff;
    fs.writeFileSync(`${path}.index`, bytes);
    expect(loadIndexFile(`${path}.index`)).toBeUndefined();
    const s = new FileStorage(path);
    expect(s.indexSource).toBe('scan');
    await s.close();
    sameIndexAsScan(path);
  });

  it('is ignored (rebuilt and saved in the current layout) when it has the older FSX1 layout', async () => {
    const path = freshPath();
    await populate(path);
    const bytes = fs.readFileSync(`${path}.index`);
    bytes.set([0x46, 0x53, 0x58, 0x31], 0);
    fs.writeFileSync(`${path}.index`, bytes);
    const s = new FileStorage(path);
    expect(s.indexSource).toBe('scan');
    await s.close();
    sameIndexAsScan(path);
  });

  it('is saved after pack, for the packed file', async () => {
    const path = freshPath();
    await populate(path);
    const s = new FileStorage(path);
    await s.pack(s.lastTransaction(), testReferences);
    sameIndexAsScan(path);
    await s.close();
    const reopened = new FileStorage(path);
    expect(reopened.indexSource).toBe('saved');
    await reopened.close();
  });

  it('is not written by a read-only storage', async () => {
    const path = freshPath();
    await populate(path);
    fs.rmSync(`${path}.index`);
    const s = new FileStorage(path, { readOnly: true });
    expect(s.indexSource).toBe('scan');
    await s.close();
    expect(fs.existsSync(`${path}.index`)).toBe(false);
  });
});
