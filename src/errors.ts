/**
 * The error hierarchy of the database, rooted at {@link ZODBError}.
 *
 * Names follow ZODB's `POSException` module and the `transaction` package so
 * that ZODB users recognise them. Every error carries its data in fields
 * (oid, class name, serials, path, offset) so callers never match on messages.
 * Retryable errors extend {@link TransientError}.
 *
 * @module
 */

import type { Oid, Tid } from './ids.js';
import { oidRepr, tidRepr } from './ids.js';

/** The root of every error this package throws on purpose. */
export class ZODBError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

// ---------------------------------------------------------------------------
// Transaction errors (the `transaction` package's exceptions)

/** Base of the errors raised by the transaction machinery. */
export class TransactionError extends ZODBError {}

/**
 * Is returned when a transaction whose commit (or savepoint) failed is used
 * again before it is aborted: commit, join and savepoint all refuse.
 */
export class TransactionFailedError extends TransactionError {}

/** Is returned when a doomed transaction is committed. */
export class DoomedTransaction extends TransactionError {}

/**
 * A retryable error: the same work may succeed when tried again in a new
 * transaction (conflicts are the main case). `attempts()`/`run()` retry these.
 */
export class TransientError extends TransactionError {}

/** Is returned by an explicit-mode manager used outside a transaction. */
export class NoTransaction extends TransactionError {}

/** Is returned by an explicit-mode manager's `begin()` inside a transaction. */
export class AlreadyInTransaction extends TransactionError {}

/** Is returned when an invalidated savepoint is rolled back. */
export class InvalidSavepointRollbackError extends TransactionError {}

// ---------------------------------------------------------------------------
// Object-database errors (ZODB's POSException module)

/** Base of ZODB's persistent-object-system errors. */
export class POSError extends ZODBError {}

/** Is returned when an object id, or one revision of it, does not exist. */
export class POSKeyError extends POSError {
  readonly oid: Oid;
  readonly tid: Tid | undefined;
  constructor(oid: Oid, tid?: Tid, message?: string) {
    super(
      message ??
        (tid === undefined
          ? `no object with oid ${oidRepr(oid)}`
          : `no revision of oid ${oidRepr(oid)} at tid ${tidRepr(tid)}`),
    );
    this.oid = oid;
    this.tid = tid;
  }
}

/** The details a conflict error carries. */
export interface ConflictDetails {
  oid?: Oid | undefined;
  className?: string | undefined;
  /** The serial committed by the other transaction. */
  committedSerial?: Tid | undefined;
  /** The serial this transaction read (its expected serial). */
  oldSerial?: Tid | undefined;
  /** Why it could not be resolved, when resolution was tried. */
  reason?: string | undefined;
  cause?: unknown;
}

function describeConflict(kind: string, d: ConflictDetails): string {
  const details: string[] = [];
  if (d.oid !== undefined) details.push(`oid ${oidRepr(d.oid)}`);
  if (d.className !== undefined) details.push(`class ${d.className}`);
  if (d.oldSerial !== undefined)
    details.push(`serial this txn started with ${tidRepr(d.oldSerial)}`);
  if (d.committedSerial !== undefined) {
    details.push(`serial currently committed ${tidRepr(d.committedSerial)}`);
  }
  let text = details.length === 0 ? kind : `${kind} (${details.join(', ')})`;
  if (d.reason !== undefined) text += `: ${d.reason}`;
  return `${text}. Retry the transaction.`;
}

/**
 * Is returned when two transactions changed the same object and the change
 * could not be resolved. Retryable: run the transaction again.
 */
export class ConflictError extends TransientError {
  readonly oid: Oid | undefined;
  readonly className: string | undefined;
  readonly committedSerial: Tid | undefined;
  readonly oldSerial: Tid | undefined;
  readonly reason: string | undefined;
  constructor(details: ConflictDetails = {}, message?: string) {
    super(
      message ?? describeConflict('database conflict error', details),
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.oid = details.oid;
    this.className = details.className;
    this.committedSerial = details.committedSerial;
    this.oldSerial = details.oldSerial;
    this.reason = details.reason;
  }
  /** ZODB's `serials` pair: (committed serial, serial read). */
  get serials(): [Tid | undefined, Tid | undefined] {
    return [this.committedSerial, this.oldSerial];
  }
}

/** Is returned when an object read with `readCurrent` was changed concurrently. */
export class ReadConflictError extends ConflictError {
  constructor(details: ConflictDetails = {}, message?: string) {
    super(details, message ?? describeConflict('database read conflict error', details));
  }
}

/** Is returned when a conflict in a BTree could not be merged; `reasonCode` names the case. */
export class BTreesConflictError extends ConflictError {
  readonly reasonCode: number;
  constructor(reasonCode: number, reason: string, details: ConflictDetails = {}) {
    super({ ...details, reason }, undefined);
    this.reasonCode = reasonCode;
  }
}

/** Is returned when a record refers to an object that does not exist. */
export class DanglingReferenceError extends POSError {
  readonly oid: Oid;
  readonly missingOid: Oid;
  constructor(oid: Oid, missingOid: Oid) {
    super(`object ${oidRepr(oid)} refers to missing object ${oidRepr(missingOid)}`);
    this.oid = oid;
    this.missingOid = missingOid;
  }
}

/** Is returned when a transaction cannot be undone; `oids` names the objects in the way. */
export class UndoError extends POSError {
  readonly oids: readonly Oid[];
  constructor(reason: string, oids: readonly Oid[] = []) {
    super(
      oids.length === 0
        ? `undo impossible: ${reason}`
        : `undo impossible for ${oids.map(oidRepr).join(', ')}: ${reason}`,
    );
    this.oids = oids;
  }
}

/** Several undo errors at once (undoing several transactions). */
export class MultipleUndoErrors extends UndoError {
  readonly errors: readonly UndoError[];
  constructor(errors: readonly UndoError[]) {
    super(
      errors.map((e) => e.message).join('; '),
      errors.flatMap((e) => e.oids),
    );
    this.errors = errors;
  }
}

/** Base of storage-level errors. */
export class StorageError extends POSError {}

/** Is returned when a storage's two-phase commit methods are called out of order or with the wrong transaction. */
export class StorageTransactionError extends StorageError {}

/** Is returned when a transaction grows past a storage limit. */
export class TransactionTooLargeError extends StorageTransactionError {}

/** Is returned for an operating failure inside a storage (I/O and the like). */
export class StorageSystemError extends StorageError {}

/** Is returned when a write is attempted on a read-only storage, connection or database. */
export class ReadOnlyError extends StorageError {}

/**
 * Is returned by a FileStorage opened with a `quota` when a store, undo or
 * commit would grow its file past that many bytes.
 */
export class FileStorageQuotaError extends StorageError {
  /** The data file. */
  readonly path: string;
  /** The quota, in bytes. */
  readonly quotaBytes: number;
  /** The size the file would have reached, in bytes. */
  readonly sizeBytes: number;
  constructor(path: string, quotaBytes: number, sizeBytes: number) {
    super(
      `the storage quota of ${path} is exceeded: the file would grow to ${sizeBytes} bytes, ` +
        `past its quota of ${quotaBytes} bytes; pack the storage or raise the quota`,
    );
    this.path = path;
    this.quotaBytes = quotaBytes;
    this.sizeBytes = sizeBytes;
  }
}

/**
 * Is returned when a FileStorage is opened for writing while another live
 * process (or another storage object in this process) holds its lock file.
 */
export class FileStorageLockError extends StorageError {
  /** The lock file (`Data.fs.lock`). */
  readonly lockPath: string;
  /** The process id found in the lock file, when readable. */
  readonly ownerPid: number | undefined;
  constructor(message: string, lockPath: string, ownerPid: number | undefined) {
    super(message);
    this.lockPath = lockPath;
    this.ownerPid = ownerPid;
  }
}

/** Is returned when a historical (read-only, time-travel) connection is changed. */
export class ReadOnlyHistoryError extends POSError {}

/** Is returned when an object is linked into a database it cannot belong to. */
export class InvalidObjectReference extends POSError {}

/** Is returned when a connection is used in a state that does not allow it (closed, in the middle of a commit). */
export class ConnectionStateError extends POSError {}

/** Is returned when an optional capability is asked of a storage that lacks it. */
export class Unsupported extends POSError {}

/**
 * Is returned at commit when a value cannot be stored: an unregistered class,
 * a function, a symbol. `path` names the attribute path inside the object.
 */
export class UnstorableValueError extends POSError {
  readonly path: string;
  readonly className: string | undefined;
  constructor(message: string, path: string, className?: string) {
    super(message);
    this.path = path;
    this.className = className;
  }
}

/**
 * Is returned when a class cannot be registered under a name: the name is
 * empty, the class already has another name, or the name (or an alias) is
 * already taken by another class.
 */
export class ClassRegistrationError extends ZODBError {
  /** The name (or alias) being registered. */
  readonly className: string;
  constructor(message: string, className: string) {
    super(message);
    this.className = className;
  }
}

/** Is returned when a stored record names a class that is not registered here. */
export class UnknownClassError extends POSError {
  readonly className: string;
  constructor(className: string, where?: string) {
    super(
      `class "${className}"${where === undefined ? '' : ` (${where})`} is not registered: ` +
        `register it with registerClass(cls, '${className}') or @register('${className}')` +
        ` before loading, or add an alias if it was renamed`,
    );
    this.className = className;
  }
}

/** Is returned when stored bytes are not a valid record or file structure. */
export class CorruptedDataError extends POSError {
  /** File path (or other location) of the damage, when known. */
  readonly path: string | undefined;
  /** Byte offset of the damage, when known. */
  readonly offset: number | undefined;
  constructor(message: string, where: { path?: string; offset?: number; cause?: unknown } = {}) {
    const loc =
      where.path !== undefined || where.offset !== undefined
        ? ` (${[where.path, where.offset === undefined ? undefined : `offset ${where.offset}`]
            .filter((x) => x !== undefined)
            .join(', ')})`
        : '';
    super(message + loc, where.cause === undefined ? undefined : { cause: where.cause });
    this.path = where.path;
    this.offset = where.offset;
  }
}

/** Is returned when a pooled connection cannot be had in time. */
export class PoolTimeoutError extends ZODBError {}

// ---------------------------------------------------------------------------
// Client-server errors (ZEO's ClientDisconnected and friends)

/**
 * Is returned by a client storage that has no connection to its server: the
 * server is down or unreachable and did not come back within the client's
 * wait timeout. Retryable once the server is back.
 */
export class ClientDisconnectedError extends TransientError {
  /** The server address the client was trying (e.g. `"localhost:8100"`, a socket path). */
  readonly address: string | undefined;
  constructor(message: string, address?: string, options?: ErrorOptions) {
    super(message, options);
    this.address = address;
  }
}

/**
 * Is returned when a peer breaks the wire protocol: a malformed or oversized
 * frame, an unknown message or method, a call out of order. The connection
 * that carried it is closed; other clients are not affected.
 */
export class ProtocolError extends StorageError {
  /** The peer's address, when known. */
  readonly peer: string | undefined;
  constructor(message: string, peer?: string) {
    super(peer === undefined ? message : `${message} (peer ${peer})`);
    this.peer = peer;
  }
}

/** Is returned when a storage server refuses a client's credentials (token, user or password). */
export class AuthenticationError extends StorageError {}
