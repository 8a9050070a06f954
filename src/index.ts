/**
 * `zodb`: a transparent, transactional object database for TypeScript.
 *
 * The main entry point: the database and its connections, the storages,
 * the error classes, `TimeStamp`, the class registry, and (re-exported) the
 * persistent base classes and the `transaction` module.
 *
 * @example
 * ```ts
 * import { DB, Persistent, register, transaction } from 'zodb';
 *
 * @register('bank.Account')
 * class Account extends Persistent {
 *   balance = 0;
 * }
 *
 * const db = new DB(null);
 * const conn = db.open();
 * conn.root.account = new Account();
 * await transaction.commit();
 * ```
 *
 * @module
 */

export {
  DB,
  connection,
  type DBOptions,
  type CacheDetailSize,
  type PackOptions,
} from './connection/db.js';
export { Connection, type OpenOptions } from './connection/connection.js';
export { Root, type UntypedRoot } from './connection/builtin-classes.js';
export type { TransactionManagerLike } from './connection/db-internals.js';
export type { CacheStats } from './connection/object-cache.js';

export { Persistent, PersistentMapping, PersistentList, isPersistent } from './persistent/index.js';
export type { PersistentObject, PersistentStatus } from './persistent/index.js';
export { Blob, BlobError } from './blob/index.js';
export type { BlobMode } from './blob/index.js';

export {
  registerClass,
  register,
  ClassRegistry,
  defaultRegistry,
} from './serialize/class-registry.js';

export { MappingStorage, type MappingStorageOptions } from './storage/mapping/index.js';
export {
  FileStorage,
  type FileStorageOptions,
  checkDataFile,
  recoverFileStorage,
} from './storage/file/index.js';
export type { CheckFinding, RecoveryOptions, RecoveryReport } from './storage/file/index.js';
export { DemoStorage, type DemoStorageOptions } from './storage/demo/index.js';
export {
  ClientStorage,
  type ClientStorageOptions,
  type ClientStorageStatus,
  type ClientCacheStats,
} from './client/index.js';

export type {
  Storage,
  StorageDB,
  DataRecord,
  HistoryEntry,
  IteratorStorage,
  UndoStorage,
  UndoLogEntry,
  RestoreStorage,
  DeletingStorage,
  RecordIteratorStorage,
  PrefetchStorage,
  TransactionRecord,
  RecordInfo,
  TransactionMetaData,
  ReferencesFunction,
  BlobStorage,
  BlobRestoreStorage,
} from './storage/interfaces.js';
export {
  isIteratorStorage,
  isUndoStorage,
  isRestoreStorage,
  isDeletingStorage,
  isRecordIteratorStorage,
  isPrefetchStorage,
  isBlobStorage,
  isBlobRestoreStorage,
} from './storage/interfaces.js';

export { TimeStamp, newTid } from './timestamp.js';
export type { Oid, Tid } from './ids.js';
export { ROOT_OID, ZERO_TID, MAX_TID, oidRepr, tidRepr, parseOid, parseTid } from './ids.js';

export * as transaction from './transaction/index.js';
export { TransactionManager, Transaction } from './transaction/index.js';

export {
  ZODBError,
  POSError,
  POSKeyError,
  ConflictError,
  ReadConflictError,
  BTreesConflictError,
  DanglingReferenceError,
  UndoError,
  MultipleUndoErrors,
  StorageError,
  StorageTransactionError,
  TransactionTooLargeError,
  StorageSystemError,
  ReadOnlyError,
  FileStorageQuotaError,
  FileStorageLockError,
  ReadOnlyHistoryError,
  InvalidObjectReference,
  ConnectionStateError,
  Unsupported,
  UnstorableValueError,
  UnknownClassError,
  ClassRegistrationError,
  CorruptedDataError,
  PoolTimeoutError,
  TransactionError,
  TransactionFailedError,
  DoomedTransaction,
  TransientError,
  NoTransaction,
  AlreadyInTransaction,
  InvalidSavepointRollbackError,
  ClientDisconnectedError,
  ProtocolError,
  AuthenticationError,
} from './errors.js';

export {
  copyTransactionsFrom,
  BlobCopyError,
  MissingBlobError,
  type CopyOptions,
  type CopyReport,
} from './storage/copy.js';
