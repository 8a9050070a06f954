/**
 * The error of misused blobs.
 *
 * @module
 */

import { ZODBError } from '../errors.js';

/**
 * Is thrown when a blob is used in a way its state forbids: opened for
 * writing while a writer is open, read while being written, committed with
 * an open writer, asked for its committed file while it has uncommitted
 * changes, or used with a storage without blob support.
 */
export class BlobError extends ZODBError {}
