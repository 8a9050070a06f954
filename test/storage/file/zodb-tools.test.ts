/**
 * ZODB's own tools read our Data.fs: `fstest` finds no error and `fsdump`
 * lists every transaction and record, on a file with updates, an undo
 * (back pointer), a deletion, extension data and a pack.
 *
 * Needs Python 3 with ZODB's sources importable: set `ZODB_PYTHON_SRC` to
 * the directory holding the `ZODB` package (e.g. a checkout's `src/`; its
 * dependencies persistent, BTrees, zope.interface, transaction,
 * zc.lockfile and zodbpickle must be installed), and optionally
 * `ZODB_PYTHON` to the interpreter (default `python3`). Skipped otherwise.
 */

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_OID, ZERO_TID } from '../../../src/ids.js';
import { FileStorage } from '../../../src/storage/file/index.js';
import {
  RecordingDB,
  commit,
  record,
  serialOf,
  testReferences,
  txnMeta,
} from '../conformance-support.js';
import { useTempDataPaths } from './temp-files.js';

const source = process.env['ZODB_PYTHON_SRC'];
const python = process.env['ZODB_PYTHON'] ?? 'python3';
const freshPath = useTempDataPaths('fs-zodb-tools');

function runPython(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(python, args, {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: source },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(source === undefined)('ZODB tools on our Data.fs (needs ZODB_PYTHON_SRC)', () => {
  it('fstest finds no error and fsdump lists every transaction', async () => {
    const dataPath = freshPath();
    const s = new FileStorage(dataPath);
    s.registerDB(new RecordingDB(s));
    const [a, b] = [s.newOid(), s.newOid()];
    await commit(
      s,
      [
        { oid: ROOT_OID, data: record('root', [a, b]), serial: ZERO_TID },
        { oid: a, data: record('a'), serial: ZERO_TID },
        { oid: b, data: record('b'), serial: ZERO_TID },
      ],
      txnMeta('create', 'alice', { note: 'extension data' }),
    );
    const change = await commit(s, [{ oid: a, data: record('a2') }]);
    const undo = txnMeta('undo');
    await s.tpcBegin(undo);
    await s.undo(s.undoLog().find((e) => e.tid === change)!.id, undo);
    await s.tpcVote(undo);
    await s.tpcFinish(undo);
    const deletion = txnMeta('delete');
    await s.tpcBegin(deletion);
    s.deleteObject(b, serialOf(s, b), deletion);
    await s.tpcVote(deletion);
    await s.tpcFinish(deletion);
    const count = [...s.iterator()].length;
    await s.close();

    const fstest = path.join(source!, 'ZODB', 'scripts', 'fstest.py');
    const checked = runPython([fstest, '-v', dataPath]);
    expect(checked.stderr).toBe('');
    expect(checked.status).toBe(0);
    const dump = runPython([
      '-c',
      `from ZODB.FileStorage.fsdump import fsdump; fsdump(${JSON.stringify(dataPath)})`,
    ]);
    expect(dump.status).toBe(0);
    expect(dump.stdout.match(/^Trans #/gm)).toHaveLength(count);
    expect(dump.stdout).toContain('bp=');

    const packed = new FileStorage(dataPath);
    await packed.pack(packed.lastTransaction(), testReferences);
    await packed.close();
    const afterPack = runPython([fstest, dataPath]);
    expect(afterPack.status).toBe(0);
  });
});
