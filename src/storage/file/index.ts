/**
 * FileStorage: the Data.fs storage (ZODB's FileStorage). The public surface
 * of `src/storage/file/`.
 *
 * @module
 */

export { FileStorage } from './file-storage.js';
export type { FileStorageOptions, ResolvedFileStorageOptions } from './options.js';
export type { FileTransactionRecord } from './file-iterator.js';
export type { IndexSource, StoragePaths } from './open-data-file.js';
export { storagePaths } from './open-data-file.js';
export { checkDataFile } from './check.js';
export type { CheckFinding, CheckFindingKind, CheckOptions } from './check.js';
export { recoverFileStorage } from './recover.js';
export type { RecoveryOptions, RecoveryReport, DroppedRegion } from './recover.js';
export { OidIndex, OID_INDEX_VALUE_MAX } from './oid-index.js';
export { loadIndexFile, saveIndexFile } from './index-file.js';
export type { SavedIndex } from './index-file.js';
export { rebuildIndex } from './rebuild-index.js';
export type { RebuiltIndex } from './rebuild-index.js';
export {
  FILE_MAGIC,
  TRANSACTION_HEADER_BYTES,
  DATA_HEADER_BYTES,
  Status as TransactionStatus,
} from './format.js';
