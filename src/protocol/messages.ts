/**
 * TypeScript types of every message of PROTOCOL.md: the envelope kinds,
 * each request's arguments and result ({@link Requests}), and the
 * notifications of each direction ({@link ClientNotifications},
 * {@link ServerNotifications}). Tids are `Tid`s (bigints) here; the codec
 * turns them into 8-byte binaries on the wire.
 *
 * @module
 */

import type { Oid, Tid } from '../ids.js';

/** Envelope kinds (the first element of every payload). */
export const MessageKind = {
  Request: 0,
  Reply: 1,
  ErrorReply: 2,
  Notification: 3,
} as const;

/** A request: `[0, id, method, args]`. */
export type RequestMessage = readonly [0, number, string, readonly unknown[]];
/** A successful reply: `[1, id, result]`. */
export type ReplyMessage = readonly [1, number, unknown];
/** A failed reply: `[2, id, error]`. */
export type ErrorReplyMessage = readonly [2, number, WireError];
/** A notification: `[3, method, args]`. */
export type NotificationMessage = readonly [3, string, readonly unknown[]];

/** An error on the wire: a class name of `src/errors.ts`, its message and fields. */
export interface WireError {
  readonly type: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Transaction metadata on the wire. */
export interface WireMeta {
  readonly user: string;
  readonly description: string;
  readonly extension: Readonly<Record<string, unknown>>;
}

/** `[oid, data | null, serial, end | null]`: a revision and the serial that replaced it. */
export type Rev = readonly [oid: Oid, data: Uint8Array | null, serial: Tid, end: Tid | null];

/** The authentication a server asks for. */
export type AuthMode = 'none' | 'token' | 'password';

/** The `hello` notification's map. */
export interface HelloInfo {
  readonly protocol: string;
  readonly server: string;
  readonly storages: readonly string[];
  readonly auth: AuthMode;
}

/** The `register` request's map. */
export interface RegisterArgs {
  readonly protocol: string;
  readonly storage: string;
  readonly readOnly: boolean;
  readonly lastTid: Tid | null;
  readonly token?: string | undefined;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly client?: string | undefined;
}

/** What the storage supports (the `register` reply's `supports`). */
export interface StorageSupports {
  readonly undo: boolean;
  readonly iterator: boolean;
  readonly blobs: boolean;
  readonly restore: boolean;
  readonly recordIterator: boolean;
  readonly deleteObject: boolean;
}

/** The `register` reply. */
export interface RegisterReply {
  readonly lastTid: Tid;
  readonly readOnly: boolean;
  readonly name: string;
  readonly supports: StorageSupports;
  readonly size: number;
  readonly objectCount: number;
  readonly blobDir: string | null;
  readonly cache: 'kept' | 'dropped';
  readonly missed: readonly (readonly [Tid, readonly Oid[]])[];
}

/** The `load` reply. */
export interface LoadReply {
  readonly rec: Rev | null;
  readonly more: readonly Rev[];
}

/** One `history` entry. */
export interface WireHistoryEntry {
  readonly tid: Tid;
  readonly user: string;
  readonly description: string;
  readonly size: number;
  readonly extension: Readonly<Record<string, unknown>>;
}

/** One `undoLog` entry. */
export interface WireUndoLogEntry {
  readonly id: string;
  readonly tid: Tid;
  readonly user: string;
  readonly description: string;
  readonly extension: Readonly<Record<string, unknown>>;
  readonly size: number;
}

/** `[oid, data | null, dataTxn | null]`: a record of an iterated transaction. */
export type WireRecord = readonly [oid: Oid, data: Uint8Array | null, dataTxn: Tid | null];

/** An iterated transaction. */
export interface WireTxn {
  readonly tid: Tid;
  readonly status: string;
  readonly user: string;
  readonly description: string;
  readonly extension: Readonly<Record<string, unknown>>;
  readonly records: readonly WireRecord[];
}

/** The `iterNext` reply. */
export interface IterNextReply {
  readonly txns: readonly WireTxn[];
  readonly done: boolean;
}

/** The `records` reply. */
export interface RecordsReply {
  readonly recs: readonly (readonly [oid: Oid, serial: Tid, data: Uint8Array])[];
  readonly done: boolean;
}

/** The `info` reply. */
export interface InfoReply {
  readonly lastTid: Tid;
  readonly size: number;
  readonly objectCount: number;
}

/** A conflict reported by `vote`. */
export interface Conflict {
  readonly oid: Oid;
  readonly oldSerial: Tid;
  readonly committedSerial: Tid;
  /** The committed revision's data (`null` when it is a deletion or for a read conflict). */
  readonly committedData: Uint8Array | null;
  readonly kind: 'write' | 'read';
}

/** The `vote` reply. */
export interface VoteReply {
  readonly conflicts: readonly Conflict[];
  /** Oids whose stores were changed by conflict resolution (the client reloads them). */
  readonly resolved: readonly Oid[];
}

/** `pack` options. */
export interface WirePackOptions {
  readonly gc: boolean;
}

/** Every request: its arguments and its result. */
export interface Requests {
  register: { args: [RegisterArgs]; result: RegisterReply };
  load: { args: [oid: Oid, at: Tid, neighbours: number]; result: LoadReply };
  loadBefore: {
    args: [oid: Oid, before: Tid];
    result: readonly [Uint8Array, Tid, Tid | null] | null;
  };
  loadSerial: { args: [oid: Oid, serial: Tid]; result: Uint8Array };
  prefetch: { args: [oids: Oid[], at: Tid]; result: Rev[] };
  history: { args: [oid: Oid, size: number]; result: WireHistoryEntry[] };
  newOids: { args: [count: number]; result: Oid[] };
  info: { args: []; result: InfoReply };
  undoLog: { args: [first: number, last: number]; result: WireUndoLogEntry[] };
  iterStart: { args: [start: Tid | null, stop: Tid | null]; result: number };
  iterNext: { args: [iterId: number, maxBytes: number]; result: IterNextReply };
  iterClose: { args: [iterId: number]; result: null };
  records: { args: [afterOid: Oid | null, max: number]; result: RecordsReply };
  blobSize: { args: [oid: Oid, serial: Tid]; result: number };
  blobRead: {
    args: [oid: Oid, serial: Tid, offset: number, length: number];
    result: Uint8Array;
  };
  ping: { args: []; result: Tid };
  undo: { args: [txnId: number, undoId: string]; result: Oid[] };
  vote: { args: [txnId: number]; result: VoteReply };
  tpcFinish: { args: [txnId: number]; result: Tid };
  tpcAbort: { args: [txnId: number]; result: null };
  pack: { args: [t: Tid, options: WirePackOptions]; result: null };
}

/** A request method name. */
export type RequestMethod = keyof Requests;

/** One resolved record of a `resolve` notification. */
export type Resolution = readonly [oid: Oid, committedSerial: Tid, data: Uint8Array];

/** Notifications a client sends (the pipelined commit messages). */
export interface ClientNotifications {
  tpcBegin: [txnId: number, meta: WireMeta, tid: Tid | null];
  store: [txnId: number, oid: Oid, oldSerial: Tid, data: Uint8Array];
  checkCurrent: [txnId: number, oid: Oid, serial: Tid];
  deleteObject: [txnId: number, oid: Oid, oldSerial: Tid];
  restore: [txnId: number, oid: Oid, serial: Tid, data: Uint8Array | null, prevTxn: Tid | null];
  blobChunk: [txnId: number, blobId: number, chunk: Uint8Array];
  storeBlob: [txnId: number, oid: Oid, oldSerial: Tid, data: Uint8Array, blobId: number];
  restoreBlob: [
    txnId: number,
    oid: Oid,
    serial: Tid,
    data: Uint8Array,
    blobId: number,
    prevTxn: Tid | null,
  ];
  resolve: [txnId: number, resolutions: Resolution[]];
}

/** A client notification name. */
export type ClientNotificationMethod = keyof ClientNotifications;

/** Notifications the server sends. */
export interface ServerNotifications {
  hello: [HelloInfo];
  invalidate: [tid: Tid, oids: Oid[]];
  info: [{ size: number; objectCount: number }];
  shutdown: [reason: string];
  error: [WireError];
}

/** A server notification name. */
export type ServerNotificationMethod = keyof ServerNotifications;
