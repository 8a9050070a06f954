/**
 * The wire protocol shared by the storage server and the client storage
 * (PROTOCOL.md): framing, the message codec, field narrowing, error
 * mapping and the types of every message.
 *
 * @module
 */

export * from './limits.js';
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
export * from './messages.js';
