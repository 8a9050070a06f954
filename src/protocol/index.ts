/**
 * The wire protocol shared by the storage server and the client storage
 * (PROTOCOL.md): framing, the message codec, field narrowing, error
 * mapping and the types of every message.
 *
 * @module
 */

export {
  BLOB_CHUNK_BYTES_MAX,
  BLOB_READ_BYTES_MAX,
  FRAME_HEADER_BYTES,
  HISTORY_ENTRIES_MAX,
  INVALIDATION_QUEUE_SIZE_DEFAULT,
  MAX_FRAME_BYTES_DEFAULT,
  NEIGHBOURS_BYTES_MAX,
  NEW_OIDS_MAX,
  PREFETCH_OIDS_MAX,
  PROTOCOL_VERSION,
  RECORDS_BATCH_MAX,
  REQUEST_ID_MAX,
} from './limits.js';
export { encodeFrame, FrameDecoder } from './frame.js';
export { decodeMessage, encodeMessage, encodeMessageFrame, toWireValue } from './codec.js';
export { readEnvelope, type Envelope } from './envelope.js';
export { errorFromWire, errorToWire, WIRE_ERROR_TYPES } from './wire-errors.js';
export {
  isClientNotificationMethod,
  isRequestMethod,
  parseClientNotificationArgs,
  parseRequestArgs,
  readMeta,
  readRegisterArgs,
} from './request-args.js';
export {
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
export { workerScriptUrl } from './worker-url.js';
export {
  MessageKind,
  type AuthMode,
  type ClientNotificationMethod,
  type ClientNotifications,
  type Conflict,
  type ErrorReplyMessage,
  type HelloInfo,
  type InfoReply,
  type IterNextReply,
  type LoadReply,
  type NotificationMessage,
  type RecordsReply,
  type RegisterArgs,
  type RegisterReply,
  type ReplyMessage,
  type RequestMessage,
  type RequestMethod,
  type Requests,
  type Resolution,
  type Rev,
  type ServerNotificationMethod,
  type ServerNotifications,
  type StorageSupports,
  type VoteReply,
  type WireError,
  type WireHistoryEntry,
  type WireMeta,
  type WirePackOptions,
  type WireRecord,
  type WireTxn,
  type WireUndoLogEntry,
} from './messages.js';
