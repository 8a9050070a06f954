/**
 * {@link BackupError}: a backup repository cannot be used as asked.
 *
 * @module
 */

import { ZODBError } from '../../errors.js';

/**
 * Is returned when a backup or restore cannot proceed: no backup in the
 * repository (or none old enough for the date asked), a broken chain of
 * backup files, an output that already exists. Damaged backup files are
 * CorruptedDataError, with the file's path.
 */
export class BackupError extends ZODBError {
  /** The backup repository (directory). */
  readonly repository: string;
  constructor(repository: string, message: string, options?: ErrorOptions) {
    super(`${message} (backup repository ${repository})`, options);
    this.repository = repository;
  }
}
