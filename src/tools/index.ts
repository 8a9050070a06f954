/**
 * The operational tools as library functions, usable from code as well as
 * through the `zodb` command: reference and BTree checks, statistics, dumps,
 * backups, and a database for reading without the application's classes.
 * The structural check of a Data.fs is `checkDataFile` of the FileStorage
 * module; copies between storages are `copyTransactionsFrom`.
 *
 * @module
 */

export {
  checkReferences,
  type ReferenceFinding,
  type DanglingReference,
  type UnreadableRecord,
  type ReferenceCheckOptions,
} from './reference-check.js';
export {
  checkBTrees,
  type BTreeFinding,
  type BTreeCheckSummary,
  type BTreeCheckOptions,
} from './btree-check.js';
export {
  collectStatistics,
  DELETION_CLASS,
  UNREADABLE_CLASS,
  type StorageStatistics,
  type ClassStatistics,
  type ObjectSize,
  type DayGrowth,
  type StatisticsOptions,
} from './storage-statistics.js';
export {
  dumpTransactions,
  type DumpOptions,
  type DumpedRecord,
  type DumpedTransaction,
} from './dump.js';
export { openToolDatabase, UnknownPersistentObject, UnknownValueObject } from './tool-database.js';
export { OidTable } from './oid-table.js';
export type { ProgressCallback } from './progress.js';
export * from './backup/index.js';
export {
  backupFileStorage,
  restoreFileStorage,
  verifyBackups,
  listCatalogs,
  readCatalog,
  BackupError,
  type BackupOptions,
  type BackupReport,
  type RestoreOptions,
  type RestoreReport,
  type BackupProblem,
  type BackupVerification,
  type BackupCatalog,
  type BackupEntry,
} from './backup/index.js';
