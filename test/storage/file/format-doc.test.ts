/**
 * FORMAT.md's worked example is real: the same three transactions,
 * committed with the same tids, produce exactly the bytes it shows.
 */

import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT_OID, ZERO_TID } from '../../../src/ids.js';
import { FileStorage, checkDataFile } from '../../../src/storage/file/index.js';
import { TimeStamp } from '../../../src/timestamp.js';
import { useTempDataPaths } from './temp-files.js';

const freshPath = useTempDataPaths('fs-format');
const FORMAT_MD = fileURLToPath(new URL('../../../src/storage/file/FORMAT.md', import.meta.url));

/** The bytes of the ```hex block of FORMAT.md. */
function documentedBytes(): Buffer {
  const text = fs.readFileSync(FORMAT_MD, 'utf8');
  const block = /```hex\n([\s\S]*?)```/.exec(text)?.[1];
  if (block === undefined) throw new Error('FORMAT.md has no hex block');
  const hex = block
    .split('\n')
    .map((line) => line.replace(/^\d+:/, ''))
    .join('')
    .replace(/\s+/g, '');
  return Buffer.from(hex, 'hex');
}

describe('FORMAT.md worked example', () => {
  it('is byte for byte what FileStorage writes for its three transactions', async () => {
    const path = freshPath();
    const s = new FileStorage(path);
    const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
    const tids = [
      TimeStamp.fromParts(2024, 1, 2, 3, 4, 5).value,
      TimeStamp.fromParts(2024, 1, 2, 3, 5, 0).value,
      TimeStamp.fromParts(2024, 1, 2, 3, 6, 0).value,
    ] as const;
    let meta = { user: 'alice', description: 'add root', extension: {} };
    await s.tpcBegin(meta, tids[0]);
    s.store(ROOT_OID, ZERO_TID, encode('root v1'), meta);
    await s.tpcVote(meta);
    await s.tpcFinish(meta);
    meta = { user: 'alice', description: 'edit', extension: {} };
    await s.tpcBegin(meta, tids[1]);
    s.store(ROOT_OID, tids[0], encode('root v2'), meta);
    await s.tpcVote(meta);
    await s.tpcFinish(meta);
    const undo = { user: '', description: 'undo', extension: { by: 'bob' } };
    await s.tpcBegin(undo, tids[2]);
    await s.undo(s.undoLog()[0]!.id, undo);
    await s.tpcVote(undo);
    await s.tpcFinish(undo);
    await s.close();
    expect(fs.readFileSync(path)).toEqual(documentedBytes());
    expect([...checkDataFile(path)]).toEqual([]);
  });
});
