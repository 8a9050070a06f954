/**
 * The serialize layer: object state to record bytes and back, the class
 * registry, and the class-agnostic view of records used by tools.
 *
 * The record format is specified in `FORMAT.md` beside this file.
 *
 * @module
 */

export { ClassRegistry, defaultRegistry, register, registerClass } from './class-registry.js';
export type { AnyClass, RegisterOptions } from './class-registry.js';
export type { DecodeContext, EncodeContext, PersistentRef, RecordHeader } from './interfaces.js';
export { encodeRecord } from './record-encoder.js';
export { decodeRecord, decodeRecordGeneric } from './record-decoder.js';
export type { GenericDecodeOptions } from './record-decoder.js';
export { readRecordHeader, referencesOf } from './record-header.js';
export { PersistentReference } from './persistent-reference.js';
export { ValueObject } from './value-object.js';
export { toInspectable } from './inspectable.js';
export type { InspectableOptions } from './inspectable.js';
