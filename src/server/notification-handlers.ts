/**
 * The handlers of the pipelined commit notifications (`tpcBegin`, `store`,
 * `checkCurrent`, `deleteObject`, `restore`, `blobChunk`, `storeBlob`,
 * `restoreBlob`, `resolve`). They never reply: an error is remembered on
 * the transaction (or, for an unknown txnId, beside it) and reported by the
 * next `vote`, as PROTOCOL.md says.
 *
 * @module
 */

import { ProtocolError, ReadOnlyError, StorageTransactionError, Unsupported } from '../errors.js';
import type { ClientNotificationMethod, ClientNotifications } from '../protocol/messages.js';
import { isBlobStorage } from '../storage/interfaces.js';
import { TRANSACTIONS_PER_CONNECTION_MAX } from './limits.js';
import { PendingTransaction } from './pending-transaction.js';
import type { Registration, Session } from './session.js';

/** What a notification handler gets besides its arguments. */
export interface NotificationContext {
  readonly session: Session;
  readonly registration: Registration;
}

type Handlers = {
  readonly [M in ClientNotificationMethod]: (
    context: NotificationContext,
    args: ClientNotifications[M],
  ) => void;
};

/** Most orphan errors kept per connection (a misbehaving client cannot grow the map). */
const ORPHAN_ERRORS_MAX = 64;

/** Runs `work` on transaction `txnId`, remembering its error instead of throwing. */
function withTransaction(
  context: NotificationContext,
  txnId: number,
  work: (txn: PendingTransaction) => void,
): void {
  const txn = context.session.transactions.get(txnId);
  if (txn === undefined) {
    const orphans = context.session.orphanErrors;
    if (!orphans.has(txnId) && orphans.size < ORPHAN_ERRORS_MAX) {
      orphans.set(
        txnId,
        new StorageTransactionError(
          `a commit message named transaction ${txnId}, which was not begun`,
        ),
      );
    }
    return;
  }
  if (txn.error !== undefined) return;
  try {
    work(txn);
  } catch (error) {
    txn.fail(error instanceof Error ? error : new StorageTransactionError(String(error)));
  }
}

function blobDirectory(context: NotificationContext): string {
  const storage = context.registration.served.storage;
  if (!isBlobStorage(storage))
    throw new Unsupported(`storage ${context.registration.served.name} has no blobs`);
  return storage.temporaryDirectory();
}

/** Every notification handler. */
export const NOTIFICATION_HANDLERS: Handlers = {
  tpcBegin: (c, [txnId, meta, tid]) => {
    const transactions = c.session.transactions;
    if (transactions.has(txnId)) throw new ProtocolError(`transaction ${txnId} was already begun`);
    if (transactions.size >= TRANSACTIONS_PER_CONNECTION_MAX) {
      throw new ProtocolError(
        `a connection may have at most ${TRANSACTIONS_PER_CONNECTION_MAX} open transactions`,
      );
    }
    c.session.orphanErrors.delete(txnId);
    const txn = new PendingTransaction(txnId, { ...meta }, tid);
    if (c.registration.readOnly) {
      txn.fail(
        new ReadOnlyError(`the connection to storage ${c.registration.served.name} is read-only`),
      );
    }
    transactions.set(txnId, txn);
  },
  store: (c, [txnId, oid, oldSerial, data]) =>
    withTransaction(c, txnId, (txn) => txn.add({ kind: 'store', oid, oldSerial, data })),
  checkCurrent: (c, [txnId, oid, serial]) =>
    withTransaction(c, txnId, (txn) => txn.add({ kind: 'checkCurrent', oid, serial })),
  deleteObject: (c, [txnId, oid, oldSerial]) =>
    withTransaction(c, txnId, (txn) => txn.add({ kind: 'delete', oid, oldSerial })),
  restore: (c, [txnId, oid, serial, data, prevTxn]) =>
    withTransaction(c, txnId, (txn) => txn.add({ kind: 'restore', oid, serial, data, prevTxn })),
  blobChunk: (c, [txnId, blobId, chunk]) =>
    withTransaction(c, txnId, (txn) => txn.writeBlobChunk(blobId, chunk, blobDirectory(c))),
  storeBlob: (c, [txnId, oid, oldSerial, data, blobId]) =>
    withTransaction(c, txnId, (txn) => {
      const blobPath = txn.completeBlob(blobId, blobDirectory(c));
      txn.add({ kind: 'store', oid, oldSerial, data, blobPath });
    }),
  restoreBlob: (c, [txnId, oid, serial, data, blobId, prevTxn]) =>
    withTransaction(c, txnId, (txn) => {
      const blobPath = txn.completeBlob(blobId, blobDirectory(c));
      txn.add({ kind: 'restore', oid, serial, data, prevTxn, blobPath });
    }),
  resolve: (c, [txnId, resolutions]) =>
    withTransaction(c, txnId, (txn) => c.registration.committer.resolve(txn, resolutions)),
};
