/**
 * The uncommitted side of each blob: its uncommitted file and its open
 * writer, kept outside the object (ghostifying a blob must not lose them),
 * and the hooks the connection calls at commit and abort.
 *
 * @module
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { removeFile } from '../storage/blob/move-file.js';
import { BlobError } from './blob-error.js';

/** The uncommitted state of one blob. */
export interface BlobFiles {
  /** The uncommitted file holding the blob's new data, if it was changed. */
  uncommitted: string | undefined;
  /** True while a stream opened with `'w'` or `'a'` is not closed. */
  writing: boolean;
}

const filesOf = new WeakMap<object, BlobFiles>();

/**
 * Whether any blob state was ever made in this process: until then the
 * commit and abort hooks, called for every object a connection stores,
 * skip the WeakMap lookup.
 */
let anyBlobFiles = false;

let detachedDirectory: string | undefined;

/** True for an object that has blob state (a `Blob` that was used). */
export function isBlob(obj: object): boolean {
  return filesOf.has(obj);
}

/** The uncommitted state of `blob` (created empty on first use). */
export function blobFiles(blob: object): BlobFiles {
  let files = filesOf.get(blob);
  if (files === undefined) {
    filesOf.set(blob, (files = { uncommitted: undefined, writing: false }));
    anyBlobFiles = true;
  }
  return files;
}

/** A new unused file name in `directory`, or in a process-wide temporary directory. */
export function newBlobFileName(directory: string | undefined): string {
  const dir = directory ?? (detachedDirectory ??= mkdtempSync(join(tmpdir(), 'zodb-new-blobs-')));
  return join(dir, `${process.pid}-${randomBytes(8).toString('hex')}.tmp`);
}

/**
 * The connection is storing `blob`: its uncommitted file, or `undefined`
 * when its data did not change (or it is not a blob).
 * @throws BlobError when a writer is still open.
 */
export function uncommittedBlobFile(obj: object): string | undefined {
  if (!anyBlobFiles) return undefined;
  const files = filesOf.get(obj);
  if (files === undefined) return undefined;
  if (files.writing) {
    throw new BlobError(
      'cannot commit a blob that is still open for writing: close its stream first',
    );
  }
  return files.uncommitted;
}

/** The transaction committed: the storage now owns the uncommitted file. */
export function blobCommitted(obj: object): void {
  if (!anyBlobFiles) return;
  const files = filesOf.get(obj);
  if (files !== undefined) files.uncommitted = undefined;
}

/** The transaction (or a savepoint) was rolled back: the uncommitted data is dropped. */
export function blobAborted(obj: object): void {
  if (!anyBlobFiles) return;
  const files = filesOf.get(obj);
  if (files === undefined || files.uncommitted === undefined) return;
  removeFile(files.uncommitted);
  files.uncommitted = undefined;
}
