/**
 * What a {@link Blob} needs from the connection it belongs to.
 *
 * @module
 */

import type { Oid, Tid } from '../ids.js';

/** The blob side of a connection (implemented by `Connection`). */
export interface BlobJar {
  /** The committed blob file of revision `serial` of `oid`. */
  loadBlob(oid: Oid, serial: Tid): string;
  /** The storage's directory for uncommitted blob files. */
  blobTemporaryDirectory(): string;
}

/** True when `jar` offers the {@link BlobJar} methods. */
export function isBlobJar(jar: unknown): jar is BlobJar {
  const candidate = jar as Partial<BlobJar> | undefined;
  return (
    typeof candidate?.loadBlob === 'function' &&
    typeof candidate.blobTemporaryDirectory === 'function'
  );
}
