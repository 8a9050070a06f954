/**
 * The blob files of a client storage: the local blob directory (a cache of
 * committed blob files fetched from the server, `cache/<oid>-<tid>.blob`,
 * and `tmp/` for uncommitted files), or the server's own blob directory
 * when it is mounted here (`sharedBlobDir`).
 *
 * @internal
 * @module
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { POSKeyError } from '../errors.js';
import { oidRepr, tidRepr } from '../ids.js';
import type { Oid, Tid } from '../ids.js';
import { BlobDirectory } from '../storage/blob/blob-directory.js';

function hex16(value: number | bigint): string {
  return value.toString(16).padStart(16, '0');
}

/** The local and shared blob directories of one client storage. */
export class ClientBlobFiles {
  private local: string | undefined;
  private ownsLocal = false;
  private readonly shared: BlobDirectory | undefined;

  /**
   * @param blobDir the local blob directory (default: a temporary one, made on first use, removed by {@link close})
   * @param sharedBlobDir the server's blob directory, mounted here
   */
  constructor(
    private readonly blobDir: string | undefined,
    sharedBlobDir: string | undefined,
  ) {
    this.shared =
      sharedBlobDir === undefined
        ? undefined
        : new BlobDirectory(sharedBlobDir, { readOnly: true });
  }

  /**
   * The file of revision `serial` of `oid` in the shared blob directory, or
   * undefined when there is none configured.
   *
   * @throws POSKeyError when the shared directory has no such file.
   */
  sharedFile(oid: Oid, serial: Tid): string | undefined {
    if (this.shared === undefined) return undefined;
    const file = this.shared.pathFor(oid, serial);
    if (!fs.existsSync(file)) {
      throw new POSKeyError(
        oid,
        serial,
        `no blob file for oid ${oidRepr(oid)} revision ${tidRepr(serial)} in the shared blob directory ${this.shared.root}`,
      );
    }
    return file;
  }

  /** Where the blob cache keeps revision `serial` of `oid` (whether or not it is there). */
  cachedFile(oid: Oid, serial: Tid): string {
    return path.join(this.root(), 'cache', `${hex16(oid)}-${hex16(serial)}.blob`);
  }

  /** The directory for uncommitted blob files. */
  temporaryDirectory(): string {
    const directory = path.join(this.root(), 'tmp');
    fs.mkdirSync(directory, { recursive: true });
    return directory;
  }

  /** Moves a committed blob file of this client into the blob cache (or deletes it if that fails). */
  keep(file: string, oid: Oid, serial: Tid): void {
    const target = this.cachedFile(oid, serial);
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.renameSync(file, target);
    } catch {
      fs.rmSync(file, { force: true });
    }
  }

  /** Removes the local directory when it is a temporary one made here. */
  close(): void {
    if (this.ownsLocal && this.local !== undefined) {
      fs.rmSync(this.local, { recursive: true, force: true });
    }
  }

  private root(): string {
    if (this.local === undefined) {
      if (this.blobDir === undefined) {
        this.local = fs.mkdtempSync(path.join(os.tmpdir(), 'zodb-client-blobs-'));
        this.ownsLocal = true;
      } else {
        this.local = this.blobDir;
        fs.mkdirSync(this.local, { recursive: true });
      }
    }
    return this.local;
  }
}
