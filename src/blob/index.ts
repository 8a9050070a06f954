/**
 * Blobs: persistent files managed by the storage.
 *
 * @module
 */

export { Blob } from './blob.js';
export type { BlobMode } from './blob.js';
export { BlobError } from './blob-error.js';
export type { BlobJar } from './blob-jar.js';
