/**
 * `BlobDirectory`: the committed blob files of a storage, one per (oid,
 * tid), in ZODB's "bushy" layout, plus a `tmp` directory for uncommitted
 * files.
 *
 * ## Layout
 * The 8 bytes of the oid become 8 nested directories named `0x..` (one byte
 * each, so no directory has more than 256 entries of that level), and the
 * revision's file is `<tid as 16 hex digits>.blob` inside the last one:
 * ```
 * <root>/0x00/0x00/0x00/0x00/0x00/0x00/0x01/0x2a/03d4f1c2a9b3e800.blob
 * <root>/tmp/           uncommitted files (same file system: commit is a rename)
 * ```
 * Millions of blobs spread over directories of bounded size.
 *
 * @module
 */

import { accessSync, constants, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from '../../errors.js';
import type { Oid, Tid } from '../../ids.js';
import { oidRepr, tidRepr } from '../../ids.js';
import { moveFile } from './move-file.js';

/** Suffix of committed blob files. */
const BLOB_SUFFIX = '.blob';

/** Is thrown when a blob directory cannot be created or written. */
export class BlobDirectoryError extends StorageError {
  /** The directory at fault. */
  readonly path: string;
  constructor(path: string, reason: string, options?: ErrorOptions) {
    super(`blob directory ${path} ${reason}`, options);
    this.path = path;
  }
}

/** One committed blob file found by {@link BlobDirectory.files}. */
export interface BlobFileEntry {
  readonly oid: Oid;
  readonly tid: Tid;
  readonly path: string;
}

/** The committed blob files of one storage. */
export class BlobDirectory {
  /** The root directory. */
  readonly root: string;
  /** The directory for uncommitted files. */
  readonly temporary: string;

  /**
   * Opens (creating when missing) the blob directory `root`; with
   * `readOnly` it must exist and is only read.
   * @throws BlobDirectoryError when it cannot be created, is missing
   *   (read-only) or is not writable.
   */
  constructor(root: string, options: { readonly readOnly?: boolean } = {}) {
    this.root = root;
    this.temporary = join(root, 'tmp');
    if (options.readOnly === true) {
      try {
        accessSync(root, constants.R_OK);
      } catch (error) {
        throw new BlobDirectoryError(root, 'is missing or not readable', { cause: error });
      }
      return;
    }
    try {
      mkdirSync(this.temporary, { recursive: true });
    } catch (error) {
      throw new BlobDirectoryError(root, `cannot be created: ${String(error)}`, { cause: error });
    }
    try {
      accessSync(root, constants.W_OK);
      accessSync(this.temporary, constants.W_OK);
    } catch (error) {
      throw new BlobDirectoryError(root, 'is not writable', { cause: error });
    }
  }

  /** The directory holding the files of `oid` (bushy layout). */
  oidDirectory(oid: Oid): string {
    const bytes = BigInt(oid).toString(16).padStart(16, '0');
    const parts: string[] = [];
    for (let i = 0; i < 16; i += 2) parts.push(`0x${bytes.slice(i, i + 2)}`);
    return join(this.root, ...parts);
  }

  /** The path of the file of revision `tid` of `oid` (whether or not it exists). */
  pathFor(oid: Oid, tid: Tid): string {
    return join(this.oidDirectory(oid), `${tid.toString(16).padStart(16, '0')}${BLOB_SUFFIX}`);
  }

  /** True when the file of revision `tid` of `oid` exists. */
  has(oid: Oid, tid: Tid): boolean {
    return statSync(this.pathFor(oid, tid), { throwIfNoEntry: false })?.isFile() === true;
  }

  /**
   * Moves the uncommitted file `source` into place as revision `tid` of
   * `oid` (a rename, or an atomic copy across file systems).
   */
  commitFile(source: string, oid: Oid, tid: Tid): void {
    mkdirSync(this.oidDirectory(oid), { recursive: true });
    try {
      moveFile(source, this.pathFor(oid, tid));
    } catch (error) {
      throw new BlobDirectoryError(
        this.root,
        `could not take the file ${source} as oid ${oidRepr(oid)} tid ${tidRepr(tid)}: ${String(error)}`,
        { cause: error },
      );
    }
  }

  /** Removes the file of revision `tid` of `oid`, if any. */
  remove(oid: Oid, tid: Tid): void {
    rmSync(this.pathFor(oid, tid), { force: true });
  }

  /** Every committed blob file. */
  *files(): Generator<BlobFileEntry> {
    yield* this.walk(this.root, 0, 0n);
  }

  /** Removes the whole directory (temporary blob directories on close). */
  destroy(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  private *walk(dir: string, depth: number, prefix: bigint): Generator<BlobFileEntry> {
    for (const name of readdirSync(dir)) {
      if (depth < 8) {
        if (!/^0x[0-9a-f]{2}$/.test(name)) continue;
        const next = (prefix << 8n) | BigInt(Number.parseInt(name.slice(2), 16));
        yield* this.walk(join(dir, name), depth + 1, next);
      } else if (/^[0-9a-f]{16}\.blob$/.test(name)) {
        const tid = BigInt(`0x${name.slice(0, 16)}`);
        yield { oid: Number(prefix), tid, path: join(dir, name) };
      }
    }
  }
}
