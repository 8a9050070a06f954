/**
 * Narrowing of the arguments of every request and client notification
 * (what the server receives). Each message has a list of field readers;
 * {@link parseRequestArgs} and {@link parseClientNotificationArgs} check the
 * count and every field, so the server only ever sees well-typed values.
 *
 * @module
 */

import { ProtocolError } from '../errors.js';
import {
  BLOB_CHUNK_BYTES_MAX,
  BLOB_READ_BYTES_MAX,
  HISTORY_ENTRIES_MAX,
  NEW_OIDS_MAX,
  PREFETCH_OIDS_MAX,
  RECORDS_BATCH_MAX,
} from './limits.js';
import type {
  ClientNotificationMethod,
  ClientNotifications,
  RegisterArgs,
  RequestMethod,
  Requests,
  Resolution,
  WireMeta,
  WirePackOptions,
} from './messages.js';
import {
  badField,
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
} from './wire-values.js';

type Field = (value: unknown, where: string) => unknown;

const U32 = 0xffff_ffff;
const uint32: Field = (v, w) => wireInt(v, w, 0, U32);
const oid: Field = wireOid;
const tid: Field = wireTid;
const tidOrNull: Field = wireTidOrNull;
const bytes: Field = wireBytes;

function optionalString(value: unknown, where: string, max: number): string | undefined {
  return value === undefined || value === null ? undefined : wireString(value, where, max);
}

/** The `register` map. */
export function readRegisterArgs(value: unknown, where: string): RegisterArgs {
  const map = wireMap(value, where);
  return {
    protocol: wireString(map.protocol, `${where}.protocol`, 64),
    storage: wireString(map.storage, `${where}.storage`, 256),
    readOnly: wireBool(map.readOnly, `${where}.readOnly`),
    lastTid: wireTidOrNull(map.lastTid ?? null, `${where}.lastTid`),
    token: optionalString(map.token, `${where}.token`, 4096),
    user: optionalString(map.user, `${where}.user`, 256),
    password: optionalString(map.password, `${where}.password`, 4096),
    client: optionalString(map.client, `${where}.client`, 256),
  };
}

/** Transaction metadata. */
export function readMeta(value: unknown, where: string): WireMeta {
  const map = wireMap(value, where);
  return {
    user: wireString(map.user, `${where}.user`, 0xffff),
    description: wireString(map.description, `${where}.description`, 0xffff),
    extension: wireMap(map.extension ?? {}, `${where}.extension`),
  };
}

function readPackOptions(value: unknown, where: string): WirePackOptions {
  const map = wireMap(value, where);
  return { gc: map.gc === undefined ? true : wireBool(map.gc, `${where}.gc`) };
}

function readResolutions(value: unknown, where: string): Resolution[] {
  return wireArray(value, where, 1 << 20).map((item, i) => {
    const t = wireTuple(item, `${where}[${i}]`, 3);
    return [
      wireOid(t[0], `${where}[${i}][0]`),
      wireTid(t[1], `${where}[${i}][1]`),
      wireBytes(t[2], `${where}[${i}][2]`),
    ];
  });
}

function blobChunk(value: unknown, where: string): Uint8Array {
  const chunk = wireBytes(value, where);
  if (chunk.length > BLOB_CHUNK_BYTES_MAX)
    badField(where, `at most ${BLOB_CHUNK_BYTES_MAX} bytes`, chunk);
  return chunk;
}

const REQUEST_FIELDS: { readonly [M in RequestMethod]: readonly Field[] } = {
  register: [readRegisterArgs],
  load: [oid, tid, (v, w) => wireInt(v, w, 0, 10_000)],
  loadBefore: [oid, tid],
  loadSerial: [oid, tid],
  prefetch: [(v, w) => wireOids(v, w, PREFETCH_OIDS_MAX), tid],
  history: [oid, (v, w) => wireInt(v, w, 1, HISTORY_ENTRIES_MAX)],
  newOids: [(v, w) => wireInt(v, w, 1, NEW_OIDS_MAX)],
  info: [],
  undoLog: [(v, w) => wireInt(v, w, 0, 1 << 30), (v, w) => wireInt(v, w, -(1 << 30), 1 << 30)],
  iterStart: [tidOrNull, tidOrNull],
  iterNext: [uint32, (v, w) => wireInt(v, w, 1, 1 << 30)],
  iterClose: [uint32],
  records: [
    (v, w) => (v === null ? null : wireOid(v, w)),
    (v, w) => wireInt(v, w, 1, RECORDS_BATCH_MAX),
  ],
  blobSize: [oid, tid],
  blobRead: [
    oid,
    tid,
    (v, w) => wireInt(v, w, 0, Number.MAX_SAFE_INTEGER),
    (v, w) => wireInt(v, w, 0, BLOB_READ_BYTES_MAX),
  ],
  ping: [],
  undo: [uint32, (v, w) => wireString(v, w, 1024)],
  vote: [uint32],
  tpcFinish: [uint32],
  tpcAbort: [uint32],
  pack: [tid, readPackOptions],
};

const NOTIFICATION_FIELDS: { readonly [M in ClientNotificationMethod]: readonly Field[] } = {
  tpcBegin: [uint32, readMeta, tidOrNull],
  store: [uint32, oid, tid, bytes],
  checkCurrent: [uint32, oid, tid],
  deleteObject: [uint32, oid, tid],
  restore: [uint32, oid, tid, wireBytesOrNull, tidOrNull],
  blobChunk: [uint32, uint32, blobChunk],
  storeBlob: [uint32, oid, tid, bytes, uint32],
  restoreBlob: [uint32, oid, tid, bytes, uint32, tidOrNull],
  resolve: [uint32, readResolutions],
};

function readFields(fields: readonly Field[], args: readonly unknown[], what: string): unknown[] {
  if (args.length !== fields.length) {
    throw new ProtocolError(`${what} takes ${fields.length} arguments, got ${args.length}`);
  }
  return fields.map((read, i) => read(args[i], `${what} argument ${i}`));
}

/** True when `method` names a request of the protocol. */
export function isRequestMethod(method: string): method is RequestMethod {
  return Object.hasOwn(REQUEST_FIELDS, method);
}

/** True when `method` names a notification a client may send. */
export function isClientNotificationMethod(method: string): method is ClientNotificationMethod {
  return Object.hasOwn(NOTIFICATION_FIELDS, method);
}

/**
 * The narrowed arguments of request `method`.
 *
 * @throws ProtocolError naming the argument that is missing or of the wrong type.
 */
export function parseRequestArgs<M extends RequestMethod>(
  method: M,
  args: readonly unknown[],
): Requests[M]['args'] {
  return readFields(REQUEST_FIELDS[method], args, `request ${method}`) as Requests[M]['args'];
}

/**
 * The narrowed arguments of client notification `method`.
 *
 * @throws ProtocolError naming the argument that is missing or of the wrong type.
 */
export function parseClientNotificationArgs<M extends ClientNotificationMethod>(
  method: M,
  args: readonly unknown[],
): ClientNotifications[M] {
  return readFields(
    NOTIFICATION_FIELDS[method],
    args,
    `notification ${method}`,
  ) as ClientNotifications[M];
}
