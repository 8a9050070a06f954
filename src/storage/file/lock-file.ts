/**
 * The `Data.fs.lock` file: one writer process per Data.fs.
 *
 * The lock file holds the owner's process id. It is created atomically,
 * with its content, by writing a private temporary file and hard-linking it
 * to the lock name (`link` fails if the name exists), so no other process
 * ever sees an empty lock. A lock whose process no longer exists (checked
 * with `process.kill(pid, 0)`) was left by a killed writer: it is removed
 * and taken over, so a crash never blocks reopening (an exited process that
 * its parent has not reaped yet, a zombie, counts as gone). A live owner, in this
 * process or another, makes the open fail with {@link FileStorageLockError}.
 *
 * Known limit: if the dead owner's pid was reused by an unrelated live
 * process, the lock looks held; the error names the file and pid so an
 * operator can remove it.
 *
 * @module
 */

import * as fs from 'node:fs';
import { FileStorageLockError } from '../../errors.js';
import { ioError } from './data-file.js';

/** A held lock; {@link release} removes the lock file. */
export interface HeldLock {
  readonly path: string;
  release(): void;
}

/** Takes the writer lock `lockPath`; see the module comment. */
export function acquireLockFile(lockPath: string, dataPath: string): HeldLock {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(lockPath)) return heldLock(lockPath);
    const owner = readOwner(lockPath);
    if (owner === undefined) continue; // it vanished meanwhile: try again
    if (isAlive(owner)) {
      throw new FileStorageLockError(
        `${dataPath} is opened for writing by process ${owner} (lock file ${lockPath}); ` +
          `open it with readOnly: true, or stop that process` +
          (owner === process.pid ? ' (it is this process: close the other FileStorage first)' : ''),
        lockPath,
        owner,
      );
    }
    // Left by a process that died: remove it, unless someone else replaced it meanwhile.
    if (readOwner(lockPath) === owner) fs.rmSync(lockPath, { force: true });
  }
  throw new FileStorageLockError(
    `could not take the lock file ${lockPath} of ${dataPath}: other processes keep taking it`,
    lockPath,
    readOwner(lockPath),
  );
}

function tryCreate(lockPath: string): boolean {
  const temporary = `${lockPath}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    fs.writeFileSync(temporary, `${process.pid}\n`);
  } catch (error) {
    throw ioError(`cannot create the lock file ${lockPath}`, error);
  }
  try {
    fs.linkSync(temporary, lockPath);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EEXIST') return false;
    throw ioError(`cannot create the lock file ${lockPath}`, error);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** The pid in the lock file; `undefined` if the file is gone; -1 if it is unreadable. */
function readOwner(lockPath: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(lockPath, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw ioError(`cannot read the lock file ${lockPath}`, error);
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : -1;
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as { code?: unknown }).code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * True when `pid` has exited but was not yet reaped by its parent (Linux
 * `/proc/<pid>/stat` state `Z`): `kill(pid, 0)` still succeeds for it.
 */
function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false; // no /proc (not Linux), or the process just went away
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}

function heldLock(path: string): HeldLock {
  let held = true;
  return {
    path,
    release(): void {
      if (!held) return;
      held = false;
      fs.rmSync(path, { force: true });
    },
  };
}
