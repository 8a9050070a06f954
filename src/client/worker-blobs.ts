/**
 * Blob transfer in the client worker thread: streaming a local file to the
 * server as `blobChunk`s, and fetching a committed blob file with
 * `blobSize`/`blobRead` into the local blob cache (written to a temporary
 * file, then renamed, so a reader never sees a partial file).
 *
 * @internal
 * @module
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WireErrorValue } from './bridge-messages.js';
import { BLOB_CHUNK_BYTES, BLOB_READ_BYTES } from './limits.js';

/** Sends a request to the server and resolves with its result (rejects with a wire error). */
export type InternalRequest = (method: string, args: readonly unknown[]) => Promise<unknown>;

/** Reads the file at `file` in chunks of at most {@link BLOB_CHUNK_BYTES} and passes each to `send`, in order. */
export function sendBlobFile(file: string, send: (chunk: Uint8Array) => void): void {
  const fd = fs.openSync(file, 'r');
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(BLOB_CHUNK_BYTES);
      const count = fs.readSync(fd, chunk, 0, BLOB_CHUNK_BYTES, null);
      if (count === 0) return;
      send(chunk.subarray(0, count));
    }
  } finally {
    fs.closeSync(fd);
  }
}

function asWireError(error: unknown): WireErrorValue {
  if (typeof error === 'object' && error !== null && 'type' in error && 'message' in error) {
    return error as WireErrorValue;
  }
  return {
    type: 'StorageError',
    message: `fetching a blob file failed: ${error instanceof Error ? error.message : String(error)}`,
  };
}

/**
 * Fetches the blob of revision `serial` of `oid` into `target`; resolves
 * with `target`, rejects with a wire error (POSKeyError when the revision
 * has no blob).
 */
export async function fetchBlobFile(
  what: { readonly oid: number; readonly serial: Uint8Array; readonly target: string },
  request: InternalRequest,
): Promise<string> {
  const temporary = `${what.target}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
  try {
    const size = await request('blobSize', [what.oid, what.serial]);
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
      throw new Error(`the server answered blobSize with ${String(size)}`);
    }
    fs.mkdirSync(path.dirname(what.target), { recursive: true });
    const fd = fs.openSync(temporary, 'w');
    try {
      let offset = 0;
      while (offset < size) {
        const length = Math.min(BLOB_READ_BYTES, size - offset);
        const data = await request('blobRead', [what.oid, what.serial, offset, length]);
        if (!(data instanceof Uint8Array) || data.length === 0) {
          throw new Error(`the blob ended at byte ${offset} of ${size}`);
        }
        fs.writeSync(fd, data);
        offset += data.length;
      }
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, what.target);
    return what.target;
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw asWireError(error);
  }
}
