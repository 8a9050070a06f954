/**
 * The handler of every request after `register`, by method: arguments
 * arrive narrowed (`parseRequestArgs`); a handler returns the result, a
 * promise of it, or {@link REPLIED} when it wrote the reply itself
 * (`tpcFinish`, whose reply goes out in the invalidation fan-out step).
 *
 * @module
 */

import { open } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { ReadOnlyError, StorageTransactionError, Unsupported } from '../errors.js';
import type { Oid } from '../ids.js';
import type { RequestMethod, Requests } from '../protocol/messages.js';
import { referencesOf } from '../serialize/record-header.js';
import type { BlobStorage, Storage } from '../storage/interfaces.js';
import { isBlobStorage, isUndoStorage } from '../storage/interfaces.js';
import type { PendingTransaction } from './pending-transaction.js';
import { loadWithNeighbours, prefetchRevisions } from './revisions.js';
import type { Registration, Session } from './session.js';

/** Returned by a handler that wrote its reply itself. */
export const REPLIED: unique symbol = Symbol('replied');

/** What a handler gets besides its arguments. */
export interface RequestContext {
  readonly session: Session;
  readonly registration: Registration;
  /** The request id (for handlers that reply themselves). */
  readonly id: number;
}

type Handler<M extends RequestMethod> = (
  context: RequestContext,
  args: Requests[M]['args'],
) => Requests[M]['result'] | Promise<Requests[M]['result'] | typeof REPLIED> | typeof REPLIED;

type Handlers = { readonly [M in Exclude<RequestMethod, 'register'>]: Handler<M> };

function storageOf(context: RequestContext): Storage {
  return context.registration.served.storage;
}

function blobStorageOf(context: RequestContext): BlobStorage {
  const storage = storageOf(context);
  if (!isBlobStorage(storage))
    throw new Unsupported(`storage ${context.registration.served.name} has no blobs`);
  return storage;
}

function writable(context: RequestContext, what: string): Storage {
  if (context.registration.readOnly) {
    throw new ReadOnlyError(
      `cannot ${what}: the connection to storage ${context.registration.served.name} is read-only`,
    );
  }
  return storageOf(context);
}

function transactionOf(context: RequestContext, txnId: number): PendingTransaction {
  const txn = context.session.transactions.get(txnId);
  if (txn !== undefined) return txn;
  const orphan = context.session.orphanErrors.get(txnId);
  context.session.orphanErrors.delete(txnId);
  throw (
    orphan ?? new StorageTransactionError(`no transaction ${txnId} was begun on this connection`)
  );
}

/** Aborts `txn` after a failed vote or undo, so its lock is released at once. */
async function abortOnError<T>(
  context: RequestContext,
  txn: PendingTransaction,
  work: Promise<T>,
): Promise<T> {
  try {
    return await work;
  } catch (error) {
    context.session.transactions.delete(txn.txnId);
    await context.registration.committer.abort(txn);
    throw error;
  }
}

async function readBlobRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await file.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** Every request handler. */
export const REQUEST_HANDLERS: Handlers = {
  load: (c, [oid, at, neighbours]) => loadWithNeighbours(storageOf(c), oid, at, neighbours),
  loadBefore: (c, [oid, before]) => {
    const result = storageOf(c).loadBefore(oid, before);
    return result === null ? null : [result.data, result.serial, result.nextSerial];
  },
  loadSerial: (c, [oid, serial]) => storageOf(c).loadSerial(oid, serial),
  prefetch: (c, [oids, at]) => prefetchRevisions(storageOf(c), oids, at),
  history: (c, [oid, size]) =>
    storageOf(c)
      .history(oid, size)
      .map((e) => ({
        tid: e.tid,
        user: e.user,
        description: e.description,
        size: e.size,
        extension: e.extension,
      })),
  newOids: (c, [count]) => {
    const storage = writable(c, 'allocate oids');
    const oids: Oid[] = [];
    for (let i = 0; i < count; i++) oids.push(storage.newOid());
    return oids;
  },
  info: (c) => {
    const storage = storageOf(c);
    return {
      lastTid: storage.lastTransaction(),
      size: storage.getSize(),
      objectCount: storage.objectCount(),
    };
  },
  undoLog: (c, [first, last]) => {
    const storage = storageOf(c);
    if (!isUndoStorage(storage))
      throw new Unsupported(`storage ${c.registration.served.name} cannot undo`);
    return storage.undoLog(first, last).map((e) => ({
      id: e.id,
      tid: e.tid,
      user: e.user,
      description: e.description,
      extension: e.extension,
      size: e.size,
    }));
  },
  iterStart: (c, [start, stop]) => c.registration.iterators.start(start, stop),
  iterNext: (c, [iterId, maxBytes]) => c.registration.iterators.next(iterId, maxBytes),
  iterClose: (c, [iterId]) => {
    c.registration.iterators.close(iterId);
    return null;
  },
  records: (c, [afterOid, max]) => c.registration.iterators.currentRecords(afterOid, max),
  blobSize: (c, [oid, serial]) => statSync(blobStorageOf(c).loadBlob(oid, serial)).size,
  blobRead: (c, [oid, serial, offset, length]) =>
    readBlobRange(blobStorageOf(c).loadBlob(oid, serial), offset, length),
  ping: (c) => storageOf(c).lastTransaction(),
  undo: (c, [txnId, undoId]) => {
    const txn = transactionOf(c, txnId);
    return abortOnError(c, txn, c.registration.committer.undo(txn, undoId));
  },
  vote: (c, [txnId]) => {
    const txn = transactionOf(c, txnId);
    return abortOnError(c, txn, c.registration.committer.vote(txn));
  },
  tpcFinish: async (c, [txnId]): Promise<typeof REPLIED> => {
    const txn = transactionOf(c, txnId);
    c.session.transactions.delete(txnId);
    await c.registration.committer.finish(txn, (tid) => c.session.reply(c.id, tid));
    return REPLIED as typeof REPLIED;
  },
  tpcAbort: async (c, [txnId]) => {
    const txn = c.session.transactions.get(txnId);
    c.session.transactions.delete(txnId);
    c.session.orphanErrors.delete(txnId);
    if (txn !== undefined) await c.registration.committer.abort(txn);
    return null;
  },
  pack: async (c, [t, options]) => {
    const storage = writable(c, 'pack');
    await storage.pack(t, referencesOf, { gc: options.gc });
    return null;
  },
};
