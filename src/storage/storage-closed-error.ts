/**
 * The error every storage throws when it is used after `close()`.
 *
 * @module
 */

import { StorageError } from '../errors.js';

/** Is returned when a closed storage is used; `storageName` names it. */
export class StorageClosedError extends StorageError {
  /** The name of the closed storage. */
  readonly storageName: string;
  constructor(storageName: string, operation?: string) {
    super(
      `storage ${storageName} is closed` +
        (operation === undefined ? '' : `: cannot ${operation}`) +
        '; open it again to use it',
    );
    this.storageName = storageName;
  }
}
