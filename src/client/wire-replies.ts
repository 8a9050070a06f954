/**
 * Narrowing of the server's replies and notifications on the client: each
 * function takes a decoded value and returns it typed, or throws the
 * ProtocolError of `src/protocol/wire-values.ts` naming the field.
 *
 * @internal
 * @module
 */

import type { Oid, Tid } from '../ids.js';
import type {
  HistoryEntry,
  RecordInfo,
  TransactionRecord,
  UndoLogEntry,
} from '../storage/interfaces.js';
import { TimeStamp } from '../timestamp.js';
import type {
  Conflict,
  RegisterReply,
  Rev,
  StorageSupports,
  VoteReply,
} from '../protocol/messages.js';
import {
  wireArray,
  wireBool,
  wireBytes,
  wireBytesOrNull,
  wireInt,
  wireMap,
  wireOid,
  wireOids,
  wireString,
  wireTid,
  wireTidOrNull,
  wireTuple,
} from '../protocol/wire-values.js';

const LIST_MAX = 1 << 24;

/** A `Rev`: `[oid, data | null, serial, end | null]`. */
export function readRev(value: unknown, where: string): Rev {
  const [oid, data, serial, end] = wireTuple(value, where, 4);
  return [
    wireOid(oid, `${where}[0]`),
    wireBytesOrNull(data, `${where}[1]`),
    wireTid(serial, `${where}[2]`),
    wireTidOrNull(end, `${where}[3]`),
  ];
}

/** A list of `Rev`s. */
export function readRevs(value: unknown, where: string): Rev[] {
  return wireArray(value, where, LIST_MAX).map((item, i) => readRev(item, `${where}[${i}]`));
}

/** The `load` reply. */
export function readLoadReply(value: unknown): { rec: Rev | null; more: Rev[] } {
  const map = wireMap(value, 'load reply');
  return {
    rec: map.rec === null ? null : readRev(map.rec, 'load reply rec'),
    more: readRevs(map.more ?? [], 'load reply more'),
  };
}

function readSupports(value: unknown): StorageSupports {
  const map = wireMap(value, 'register reply supports');
  const flag = (key: keyof StorageSupports): boolean =>
    map[key] === undefined ? false : wireBool(map[key], `supports.${key}`);
  return {
    undo: flag('undo'),
    iterator: flag('iterator'),
    blobs: flag('blobs'),
    restore: flag('restore'),
    recordIterator: flag('recordIterator'),
    deleteObject: flag('deleteObject'),
  };
}

/** The `register` reply. */
export function readRegisterReply(value: unknown): RegisterReply {
  const map = wireMap(value, 'register reply');
  const cache = map.cache === 'kept' ? 'kept' : 'dropped';
  const missed = wireArray(map.missed ?? [], 'register reply missed', LIST_MAX).map((item, i) => {
    const [tid, oids] = wireTuple(item, `missed[${i}]`, 2);
    return [wireTid(tid, `missed[${i}][0]`), wireOids(oids, `missed[${i}][1]`, LIST_MAX)] as const;
  });
  return {
    lastTid: wireTid(map.lastTid, 'register reply lastTid'),
    readOnly: wireBool(map.readOnly, 'register reply readOnly'),
    name: wireString(map.name, 'register reply name'),
    supports: readSupports(map.supports),
    size: typeof map.size === 'number' ? map.size : 0,
    objectCount: typeof map.objectCount === 'number' ? map.objectCount : 0,
    blobDir:
      map.blobDir === null || map.blobDir === undefined ? null : wireString(map.blobDir, 'blobDir'),
    cache,
    missed,
  };
}

/** The `vote` reply. */
export function readVoteReply(value: unknown): VoteReply {
  const map = wireMap(value, 'vote reply');
  const conflicts = wireArray(map.conflicts ?? [], 'vote reply conflicts', LIST_MAX).map(
    (item, i): Conflict => {
      const c = wireMap(item, `conflicts[${i}]`);
      return {
        oid: wireOid(c.oid, `conflicts[${i}].oid`),
        oldSerial: wireTid(c.oldSerial, `conflicts[${i}].oldSerial`),
        committedSerial: wireTid(c.committedSerial, `conflicts[${i}].committedSerial`),
        committedData: wireBytesOrNull(c.committedData ?? null, `conflicts[${i}].committedData`),
        kind: c.kind === 'read' ? 'read' : 'write',
      };
    },
  );
  return { conflicts, resolved: wireOids(map.resolved ?? [], 'vote reply resolved', LIST_MAX) };
}

/** An `invalidate` notification's arguments. */
export function readInvalidation(args: readonly unknown[]): { tid: Tid; oids: Oid[] } {
  return {
    tid: wireTid(args[0], 'invalidate tid'),
    oids: wireOids(args[1], 'invalidate oids', LIST_MAX),
  };
}

/** A plain extension map (`{}` when absent). */
export function readExtension(value: unknown, where: string): Readonly<Record<string, unknown>> {
  return value === undefined || value === null ? {} : wireMap(value, where);
}

/** One iterated transaction. */
export function readTxn(value: unknown, where: string): TransactionRecord {
  const map = wireMap(value, where);
  const tid = wireTid(map.tid, `${where}.tid`);
  const records = wireArray(map.records, `${where}.records`, LIST_MAX).map(
    (item, i): RecordInfo => {
      const [oid, data, dataTxn] = wireTuple(item, `${where}.records[${i}]`, 3);
      const from = wireTidOrNull(dataTxn, `${where}.records[${i}][2]`);
      return {
        oid: wireOid(oid, `${where}.records[${i}][0]`),
        tid,
        data: wireBytesOrNull(data, `${where}.records[${i}][1]`),
        ...(from === null ? {} : { dataTxn: from }),
      };
    },
  );
  return {
    tid,
    status: wireString(map.status, `${where}.status`, 1),
    user: wireString(map.user, `${where}.user`),
    description: wireString(map.description, `${where}.description`),
    extension: readExtension(map.extension, `${where}.extension`),
    records,
  };
}

/** The `records` reply. */
export function readRecordsReply(value: unknown): {
  recs: { oid: Oid; serial: Tid; data: Uint8Array }[];
  done: boolean;
} {
  const map = wireMap(value, 'records reply');
  const recs = wireArray(map.recs, 'records reply recs', LIST_MAX).map((item, i) => {
    const [oid, serial, data] = wireTuple(item, `recs[${i}]`, 3);
    return {
      oid: wireOid(oid, `recs[${i}][0]`),
      serial: wireTid(serial, `recs[${i}][1]`),
      data: wireBytes(data, `recs[${i}][2]`),
    };
  });
  return { recs, done: wireBool(map.done, 'records reply done') };
}

/** A non-negative integer result (`iterStart`, `blobSize`). */
export function readCount(value: unknown, where: string): number {
  return wireInt(value, where, 0, Number.MAX_SAFE_INTEGER);
}

/** One `history` entry. */
export function readHistoryEntry(value: unknown, where: string): HistoryEntry {
  const entry = wireMap(value, where);
  const tid = wireTid(entry.tid, `${where}.tid`);
  return {
    tid,
    time: TimeStamp.fromTid(tid).toDate(),
    user: wireString(entry.user, `${where}.user`),
    description: wireString(entry.description, `${where}.description`),
    size: typeof entry.size === 'number' ? entry.size : 0,
    extension: readExtension(entry.extension, `${where}.extension`),
  };
}

/** One `undoLog` entry. */
export function readUndoLogEntry(value: unknown, where: string): UndoLogEntry {
  return {
    id: wireString(wireMap(value, where).id, `${where}.id`),
    ...readHistoryEntry(value, where),
  };
}
