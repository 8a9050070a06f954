/**
 * Transactional undo for FileStorage (ZODB's `_txn_undo_write` and
 * `_transactionalUndoRecord`, rethought): for every object a transaction
 * changed, write a revision that restores its earlier state.
 *
 * For the record R of oid O being undone (R.prev is O's revision before):
 * 1. If R is still O's current revision, or the current revision holds the
 *    same data as R, the undo record is a *back pointer* to R.prev (no data
 *    copied) — or a deletion when R.prev is 0 (R created O).
 * 2. Otherwise a later transaction changed O. If R created O, undo is
 *    impossible. Else the storage asks `db.tryToResolveConflict` to merge
 *    "from R's state to R.prev's state" into the current state; the merged
 *    data is written. A failed merge is an {@link UndoError} naming O.
 *
 * Every record of the undone transaction is tried before failing, and an
 * oid that appears twice gets a second chance, as in ZODB. Undo records go
 * into the committing transaction, so several undos can share one commit.
 *
 * @module
 */

import { ConflictError, MultipleUndoErrors, POSKeyError, UndoError } from '../../errors.js';
import type { Oid, Tid } from '../../ids.js';
import { tidRepr } from '../../ids.js';
import type { StorageDB } from '../interfaces.js';
import type { DataFile } from './data-file.js';
import {
  BACK_POINTER_BYTES,
  DATA_HEADER_BYTES,
  EMPTY_DATA_MARKER,
  Status,
  pointsAtRecord,
  dataRecordBytes,
  decodeDataHeader,
  readPosition,
} from './format.js';
import type { OidIndex } from './oid-index.js';
import type { PendingTransaction } from './pending-transaction.js';
import type { RecordHeader } from './record-reader.js';
import { readRecordData, readRecordHeader } from './record-reader.js';
import { readTransactionInfo } from './transaction-reader.js';

/** What undo needs from the storage. */
export interface UndoContext {
  readonly file: DataFile;
  /** oid -> newest committed record (including finished, not yet durable ones). */
  readonly index: OidIndex;
  readonly pending: PendingTransaction;
  readonly db: StorageDB | undefined;
}

/** The undo id of a transaction: its tid in 16 hex digits. */
export function undoId(tid: Tid): string {
  return tid.toString(16).padStart(16, '0');
}

/** The tid named by an undo id; UndoError if it is not one. */
export function parseUndoId(id: string): Tid {
  if (!/^[0-9a-f]{16}$/.test(id))
    throw new UndoError(`"${id}" is not a transaction id from undoLog`);
  return BigInt(`0x${id}`);
}

/**
 * Writes the undo records of the transaction at `tpos` into the pending
 * transaction; returns the oids they change.
 */
export function undoTransactionAt(context: UndoContext, tpos: number): Oid[] {
  const { file, pending } = context;
  const info = readTransactionInfo(file, tpos);
  if (info.status !== Status.committed) {
    throw new UndoError(`transaction ${tidRepr(info.tid)} was packed and cannot be undone`);
  }
  const failures = new Map<Oid, UndoError>();
  const changed: Oid[] = [];
  for (let pos = info.recordsStart; pos < info.end;) {
    const record = readRecordHeader(file, pos);
    failures.delete(record.oid);
    try {
      const plan = planUndo(context, record, info.tid);
      const prev = context.index.get(record.oid) ?? 0;
      if ('data' in plan) pending.addRecord(record.oid, prev, plan.data);
      else pending.addRecord(record.oid, prev, null, plan.backPointer);
      if (!changed.includes(record.oid)) changed.push(record.oid);
    } catch (error) {
      if (!(error instanceof UndoError)) throw error;
      failures.set(record.oid, error);
    }
    pos += dataRecordBytes(record.dataBytes);
  }
  if (failures.size === 1) throw [...failures.values()][0]!;
  if (failures.size > 1) throw new MultipleUndoErrors([...failures.values()]);
  return changed;
}

type UndoPlan = { readonly data: Uint8Array } | { readonly backPointer: number };

function planUndo(context: UndoContext, undone: RecordHeader, undoneTid: Tid): UndoPlan {
  const { oid } = undone;
  const current = context.pending.newestRecordPos(oid) ?? context.index.get(oid) ?? 0;
  let copy = true;
  let currentState: CurrentState | undefined;
  if (current !== undone.pos) {
    currentState = readCurrent(context, oid, current);
    if (currentState.dataPos !== undone.pos) {
      const undoneData = loadOrFail(context.file, undone, 'the revision to undo has no data');
      if (!sameBytes(undoneData, currentState.data)) {
        copy = false;
        if (undone.prev === 0) {
          throw new UndoError(
            "the transaction created the object and later transactions changed it; can't undo its creation",
            [oid],
          );
        }
      }
    }
  }
  if (undone.prev === 0) return { backPointer: 0 };
  if (copy) return { backPointer: undone.prev };
  return { data: resolve(context, undone, undoneTid, currentState!) };
}

function resolve(
  context: UndoContext,
  undone: RecordHeader,
  undoneTid: Tid,
  current: CurrentState,
): Uint8Array {
  const { oid } = undone;
  if (current.data === null) {
    throw new UndoError('a later transaction deleted the object', [oid]);
  }
  const before = readRecordHeader(context.file, undone.prev, oid);
  const beforeData = loadOrFail(context.file, before, 'its earlier revision was deleted');
  if (context.db === undefined) {
    throw new UndoError(
      'a later transaction changed the object and no database is registered to resolve it',
      [oid],
    );
  }
  try {
    return context.db.tryToResolveConflict(oid, current.tid, undoneTid, beforeData, current.data);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const reason = error.reason === undefined ? '' : ` (${error.reason})`;
    throw new UndoError(
      `a later transaction changed the object and the change cannot be merged${reason}`,
      [oid],
    );
  }
}

interface CurrentState {
  readonly tid: Tid;
  /** Position of the record holding the current data (0 for a deletion). */
  readonly dataPos: number;
  readonly data: Uint8Array | null;
}

/** The current revision of `oid` at `pos`, which may be in the pending transaction. */
function readCurrent(context: UndoContext, oid: Oid, pos: number): CurrentState {
  const { pending, file } = context;
  if (!pending.contains(pos)) {
    const h = readRecordHeader(file, pos, oid);
    return {
      tid: h.tid,
      dataPos: immediateDataPos(h.pos, h.dataBytes, h.backPointer),
      data: readRecordData(file, h),
    };
  }
  const header = decodeDataHeader(pending.readRecordBytes(pos, DATA_HEADER_BYTES));
  if (header.dataBytes > 0) {
    const data = pending.readRecordBytes(pos + DATA_HEADER_BYTES, header.dataBytes);
    return { tid: header.tid, dataPos: pos, data };
  }
  const back = readPosition(
    pending.readRecordBytes(pos + DATA_HEADER_BYTES, BACK_POINTER_BYTES),
    0,
  );
  const dataPos = immediateDataPos(pos, 0, back);
  if (!pointsAtRecord(back))
    return { tid: header.tid, dataPos, data: back === 0 ? null : new Uint8Array(0) };
  return {
    tid: header.tid,
    dataPos,
    data: readRecordData(file, readRecordHeader(file, back, oid)),
  };
}

/**
 * The position a record takes its data from, one step along back pointers
 * as ZODB compares it: itself for data (or empty data), its back pointer
 * otherwise (0 for a deletion).
 */
function immediateDataPos(pos: number, dataBytes: number, back: number): number {
  if (dataBytes > 0 || back === EMPTY_DATA_MARKER) return pos;
  return back;
}

function loadOrFail(file: DataFile, header: RecordHeader, reason: string): Uint8Array {
  let data: Uint8Array | null;
  try {
    data = readRecordData(file, header);
  } catch (error) {
    if (error instanceof POSKeyError) throw new UndoError(reason, [header.oid]);
    throw error;
  }
  if (data === null) throw new UndoError(reason, [header.oid]);
  return data;
}

function sameBytes(a: Uint8Array, b: Uint8Array | null): boolean {
  if (b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
