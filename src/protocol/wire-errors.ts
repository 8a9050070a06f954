/**
 * Errors on the wire (PROTOCOL.md, "Value encoding"): {@link errorToWire}
 * turns an error into `{ type, message, details }` with the class's fields,
 * and {@link errorFromWire} rebuilds an instance of the same class of
 * `src/errors.ts` on the other side. Unknown types become `StorageError`
 * whose message names the remote type.
 *
 * @module
 */

import {
  AuthenticationError,
  BTreesConflictError,
  ClientDisconnectedError,
  ConflictError,
  CorruptedDataError,
  DanglingReferenceError,
  FileStorageQuotaError,
  POSError,
  POSKeyError,
  ProtocolError,
  ReadConflictError,
  ReadOnlyError,
  StorageError,
  StorageSystemError,
  StorageTransactionError,
  TransactionTooLargeError,
  UndoError,
  Unsupported,
  ZODBError,
} from '../errors.js';
import type { WireError } from './messages.js';
import { wireMap, wireOid, wireOids, wireString, wireTid } from './wire-values.js';

type Details = Readonly<Record<string, unknown>>;

/** How one class crosses the wire. */
interface ErrorCodec {
  readonly details: (error: Error) => Details | undefined;
  readonly rebuild: (details: Details, message: string) => Error;
}

function optional<T>(
  value: unknown,
  read: (v: unknown, where: string) => T,
  where: string,
): T | undefined {
  return value === undefined || value === null ? undefined : read(value, where);
}

function conflictDetails(error: Error): Details {
  const e = error as ConflictError;
  return {
    oid: e.oid,
    className: e.className,
    committedSerial: e.committedSerial,
    oldSerial: e.oldSerial,
    reason: e.reason,
  };
}

function readConflictDetails(d: Details) {
  return {
    oid: optional(d.oid, wireOid, 'details.oid'),
    className: optional(d.className, wireString, 'details.className'),
    committedSerial: optional(d.committedSerial, wireTid, 'details.committedSerial'),
    oldSerial: optional(d.oldSerial, wireTid, 'details.oldSerial'),
    reason: optional(d.reason, wireString, 'details.reason'),
  };
}

function plain(make: (message: string) => Error): ErrorCodec {
  return { details: () => undefined, rebuild: (_d, message) => make(message) };
}

/** The classes that cross the wire with their fields, by name. Order matters only for lookup by name. */
const CODECS: ReadonlyMap<string, ErrorCodec> = new Map<string, ErrorCodec>([
  [
    'ConflictError',
    { details: conflictDetails, rebuild: (d, m) => new ConflictError(readConflictDetails(d), m) },
  ],
  [
    'ReadConflictError',
    {
      details: conflictDetails,
      rebuild: (d, m) => new ReadConflictError(readConflictDetails(d), m),
    },
  ],
  [
    'BTreesConflictError',
    {
      details: (e) => ({
        ...conflictDetails(e),
        reasonCode: (e as BTreesConflictError).reasonCode,
      }),
      rebuild: (d, m) => {
        const code = typeof d.reasonCode === 'number' ? d.reasonCode : -1;
        const details = readConflictDetails(d);
        return withMessage(new BTreesConflictError(code, details.reason ?? m, details), m);
      },
    },
  ],
  [
    'POSKeyError',
    {
      details: (e) => ({ oid: (e as POSKeyError).oid, tid: (e as POSKeyError).tid }),
      rebuild: (d, m) =>
        new POSKeyError(wireOid(d.oid, 'details.oid'), optional(d.tid, wireTid, 'details.tid'), m),
    },
  ],
  [
    'UndoError',
    {
      details: (e) => ({ oids: [...(e as UndoError).oids] }),
      rebuild: (d, m) =>
        withMessage(new UndoError(m, wireOids(d.oids ?? [], 'details.oids', 1 << 20)), m),
    },
  ],
  [
    'DanglingReferenceError',
    {
      details: (e) => ({
        oid: (e as DanglingReferenceError).oid,
        missingOid: (e as DanglingReferenceError).missingOid,
      }),
      rebuild: (d, m) =>
        withMessage(
          new DanglingReferenceError(
            wireOid(d.oid, 'details.oid'),
            wireOid(d.missingOid, 'details.missingOid'),
          ),
          m,
        ),
    },
  ],
  [
    'CorruptedDataError',
    {
      details: (e) => ({
        path: (e as CorruptedDataError).path,
        offset: (e as CorruptedDataError).offset,
      }),
      rebuild: (d, m) => {
        const error = new CorruptedDataError(m);
        const path = optional(d.path, wireString, 'details.path');
        const offset = typeof d.offset === 'number' ? d.offset : undefined;
        Object.assign(error, { path, offset });
        return error;
      },
    },
  ],
  [
    'FileStorageQuotaError',
    {
      details: (e) => {
        const q = e as FileStorageQuotaError;
        return { path: q.path, quotaBytes: q.quotaBytes, sizeBytes: q.sizeBytes };
      },
      rebuild: (d, m) =>
        withMessage(
          new FileStorageQuotaError(
            wireString(d.path, 'details.path'),
            typeof d.quotaBytes === 'number' ? d.quotaBytes : 0,
            typeof d.sizeBytes === 'number' ? d.sizeBytes : 0,
          ),
          m,
        ),
    },
  ],
  [
    'ProtocolError',
    {
      details: (e) => ({ peer: (e as ProtocolError).peer }),
      rebuild: (d, m) => {
        const error = new ProtocolError(m);
        Object.assign(error, { peer: optional(d.peer, wireString, 'details.peer') });
        return error;
      },
    },
  ],
  [
    'ClientDisconnectedError',
    {
      details: (e) => ({ address: (e as ClientDisconnectedError).address }),
      rebuild: (d, m) =>
        new ClientDisconnectedError(m, optional(d.address, wireString, 'details.address')),
    },
  ],
  ['StorageTransactionError', plain((m) => new StorageTransactionError(m))],
  ['TransactionTooLargeError', plain((m) => new TransactionTooLargeError(m))],
  ['ReadOnlyError', plain((m) => new ReadOnlyError(m))],
  ['AuthenticationError', plain((m) => new AuthenticationError(m))],
  ['StorageSystemError', plain((m) => new StorageSystemError(m))],
  ['StorageError', plain((m) => new StorageError(m))],
  ['Unsupported', plain((m) => new Unsupported(m))],
  ['POSError', plain((m) => new POSError(m))],
  ['ZODBError', plain((m) => new ZODBError(m))],
]);

/** The error type names that are rebuilt as their own class. */
export const WIRE_ERROR_TYPES: readonly string[] = [...CODECS.keys()];

function withMessage(error: Error, message: string): Error {
  error.message = message;
  return error;
}

function dropUndefined(details: Details): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) if (value !== undefined) out[key] = value;
  return out;
}

/**
 * The wire form of `error`. Errors of unknown classes (including plain
 * `Error`s: programming errors on the server) cross as `StorageError`
 * with their class name in the message.
 */
export function errorToWire(error: unknown): WireError {
  if (!(error instanceof Error)) return { type: 'StorageError', message: String(error) };
  const codec = CODECS.get(error.name);
  if (codec === undefined || !(error instanceof ZODBError)) {
    return { type: 'StorageError', message: `${error.name}: ${error.message}` };
  }
  const details = codec.details(error);
  return details === undefined
    ? { type: error.name, message: error.message }
    : { type: error.name, message: error.message, details: dropUndefined(details) };
}

/**
 * Rebuilds the error sent as `value`: an instance of the named class with
 * its fields and the remote message.
 *
 * @throws ProtocolError when `value` is not an error map or its details are malformed.
 */
export function errorFromWire(value: unknown): Error {
  const map = wireMap(value, 'error');
  const type = wireString(map.type, 'error.type', 200);
  const message = wireString(map.message, 'error.message');
  const details =
    map.details === undefined || map.details === null ? {} : wireMap(map.details, 'error.details');
  const codec = CODECS.get(type);
  if (codec === undefined) return new StorageError(`${type} (from the server): ${message}`);
  return codec.rebuild(details, message);
}
