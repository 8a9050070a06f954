/**
 * Backups of FileStorage databases (repozo's job): full and incremental
 * backups, restore to the latest state or to a date, verification.
 *
 * @module
 */

export { backupFileStorage, type BackupOptions, type BackupReport } from './backup.js';
export { restoreFileStorage, type RestoreOptions, type RestoreReport } from './restore.js';
export { verifyBackups, type BackupProblem, type BackupVerification } from './verify.js';
export {
  listCatalogs,
  readCatalog,
  type BackupCatalog,
  type BackupEntry,
} from './backup-catalog.js';
export { BackupError } from './backup-error.js';
