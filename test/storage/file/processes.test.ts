/**
 * Two processes on one Data.fs: while a child process writes, a second
 * writer is refused with an error naming the lock file, and read-only
 * storages in this process see consistent snapshots and follow the writer
 * with `sync()`. After the writer is killed, its stale lock does not block
 * a new writer.
 */

import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStorageLockError } from '../../../src/errors.js';
import type { Tid } from '../../../src/ids.js';
import { FileStorage } from '../../../src/storage/file/index.js';
import { RecordingDB, commit, record } from '../conformance-support.js';
import { compileChildScript, removeCompiledChildren } from './compile-child.js';
import { useTempDataPaths } from './temp-files.js';

const freshPath = useTempDataPaths('fs-processes');
const CHILD_SOURCE = fileURLToPath(new URL('./writer-child.ts', import.meta.url));
let childScript = '';

beforeAll(() => {
  childScript = compileChildScript(CHILD_SOURCE);
});
afterAll(() => removeCompiledChildren());

/** Starts the writer child and resolves once it has committed `commits` transactions. */
function startWriter(dataPath: string, commits: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript, dataPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let seen = 0;
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk
        .toString()
        .split('\n')
        .filter((line) => line.startsWith('tid ')).length;
      if (seen >= commits) resolve(child);
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const decoder = new TextDecoder();
function counterAt(s: FileStorage, oid: number, at: Tid): string | undefined {
  const data = s.loadAt(oid, at)?.data;
  return data === null || data === undefined ? undefined : decoder.decode(data).trim();
}

describe('FileStorage with two processes', () => {
  it('refuses a second writer with an error naming the lock file and the owner', async () => {
    const path = freshPath();
    const writer = await startWriter(path, 1);
    try {
      let error: unknown;
      try {
        new FileStorage(path);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FileStorageLockError);
      expect((error as FileStorageLockError).lockPath).toBe(`${path}.lock`);
      expect((error as FileStorageLockError).ownerPid).toBe(writer.pid);
      expect((error as Error).message).toContain(`${path}.lock`);
    } finally {
      await kill(writer);
    }
    // The killed writer left its lock file: a new writer takes it over.
    const s = new FileStorage(path);
    const tid = await commit(s, [{ oid: 3, data: record('after the writer died') }]);
    expect(s.lastTransaction()).toBe(tid);
    await s.close();
  });

  it('gives read-only storages consistent snapshots while another process writes, and sync() follows it', async () => {
    const path = freshPath();
    const writer = await startWriter(path, 5);
    try {
      const follower = new FileStorage(path, { readOnly: true });
      const db = new RecordingDB(follower);
      follower.registerDB(db);
      let last = follower.lastTransaction();
      for (let round = 0; round < 60; round++) {
        const fresh = new FileStorage(path, { readOnly: true });
        const at = fresh.lastTransaction();
        expect(counterAt(fresh, 1, at)).toBe(counterAt(fresh, 2, at));
        await fresh.close();

        const synced = follower.sync();
        expect(synced >= last).toBe(true);
        expect(counterAt(follower, 1, synced)).toBe(counterAt(follower, 2, synced));
        last = synced;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const tids = db.invalidations.map((i) => i.tid);
      expect(tids.length).toBeGreaterThan(0);
      expect([...tids].sort((a, b) => (a < b ? -1 : 1))).toEqual(tids);
      expect(tids.at(-1)).toBe(last);
      await follower.close();
    } finally {
      await kill(writer);
    }
  });
});
