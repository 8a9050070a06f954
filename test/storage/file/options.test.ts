/**
 * FileStorage options: create, readOnly, stop (time travel), blobDir, and
 * their contradictions.
 */

import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileStorageLockError, ReadOnlyError } from '../../../src/errors.js';
import { MAX_TID, ROOT_OID, ZERO_TID } from '../../../src/ids.js';
import { FileStorage } from '../../../src/storage/file/index.js';
import { commit, record, testReferences, txnMeta, valueAt } from '../conformance-support.js';
import { useTempDataPaths } from './temp-files.js';

const freshPath = useTempDataPaths('fs-options');

async function threeRevisions(path: string): Promise<bigint[]> {
  const s = new FileStorage(path);
  const tids = [
    await commit(s, [{ oid: ROOT_OID, data: record('one'), serial: ZERO_TID }]),
    await commit(s, [{ oid: ROOT_OID, data: record('two') }]),
    await commit(s, [{ oid: ROOT_OID, data: record('three') }]),
  ];
  await s.close();
  return tids;
}

describe('FileStorage options', () => {
  it('creates a missing file, and create: true starts over on an existing one', async () => {
    const path = freshPath();
    await threeRevisions(path);
    const reopened = new FileStorage(path);
    expect(valueAt(reopened, ROOT_OID)).toBe('three');
    await reopened.close();
    const fresh = new FileStorage(path, { create: true });
    expect(fresh.lastTransaction()).toBe(ZERO_TID);
    expect(fresh.loadAt(ROOT_OID, MAX_TID)).toBeNull();
    await fresh.close();
  });

  it('stop opens the storage as it was before a transaction, read-only', async () => {
    const path = freshPath();
    const tids = await threeRevisions(path);
    const past = new FileStorage(path, { stop: tids[2]! });
    expect(past.isReadOnly()).toBe(true);
    expect(past.lastTransaction()).toBe(tids[1]);
    expect(valueAt(past, ROOT_OID)).toBe('two');
    expect([...past.iterator()].map((t) => t.tid)).toEqual(tids.slice(0, 2));
    expect(() => past.newOid()).toThrow(ReadOnlyError);
    await expect(past.tpcBegin(txnMeta())).rejects.toThrow(/time travel/);
    await past.close();
    const beforeEverything = new FileStorage(path, { stop: tids[0]! });
    expect(beforeEverything.lastTransaction()).toBe(ZERO_TID);
    await beforeEverything.close();
  });

  it('a read-only storage refuses writes and pack, and never creates the file', async () => {
    const path = freshPath();
    await threeRevisions(path);
    const s = new FileStorage(path, { readOnly: true });
    await expect(s.pack(MAX_TID, testReferences)).rejects.toThrow(ReadOnlyError);
    expect(() => s.newOid()).toThrow(ReadOnlyError);
    await s.close();
    expect(() => new FileStorage(`${freshPath()}-missing`, { readOnly: true })).toThrow(
      /cannot open/,
    );
    expect(fs.existsSync(`${path}.lock`)).toBe(false);
  });

  it('rejects contradictory options with a TypeError', () => {
    const path = freshPath();
    expect(() => new FileStorage(path, { create: true, readOnly: true })).toThrow(TypeError);
    expect(() => new FileStorage(path, { stop: 1n, readOnly: false })).toThrow(TypeError);
    expect(() => new FileStorage(path, { quota: -5 })).toThrow(TypeError);
    expect(fs.existsSync(path)).toBe(false);
  });

  it('remembers blobDir (blob support comes later) and applies defaults', async () => {
    const s = new FileStorage(freshPath(), { blobDir: '/var/blobs' });
    expect(s.blobDir).toBe('/var/blobs');
    expect(s.options).toMatchObject({
      packGc: true,
      packKeepOld: true,
      readOnly: false,
      quota: undefined,
    });
    await s.close();
  });

  it('refuses a second writable open in the same process until the first is closed', async () => {
    const path = freshPath();
    const first = new FileStorage(path);
    expect(() => new FileStorage(path)).toThrow(FileStorageLockError);
    expect(() => new FileStorage(path)).toThrow(/this process/);
    const reader = new FileStorage(path, { readOnly: true });
    await reader.close();
    await first.close();
    const second = new FileStorage(path);
    await second.close();
  });
});
