/**
 * Binary values (typed arrays, ArrayBuffer, DataView, Buffer) and their kind
 * bytes in the binary extension. Element bytes are stored little-endian
 * whatever the host's byte order.
 *
 * @module
 */

import { BinaryKind } from './format.js';

type ElementArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

interface ElementArrayClass {
  readonly prototype: object;
  readonly BYTES_PER_ELEMENT: number;
  new (buffer: ArrayBuffer, byteOffset?: number, length?: number): ElementArray;
}

const NodeBuffer: typeof Buffer | undefined = (globalThis as { Buffer?: typeof Buffer }).Buffer;

const ELEMENT_CLASSES: ReadonlyMap<number, ElementArrayClass> = new Map<number, ElementArrayClass>([
  [BinaryKind.int8, Int8Array],
  [BinaryKind.uint8, Uint8Array],
  [BinaryKind.uint8Clamped, Uint8ClampedArray],
  [BinaryKind.int16, Int16Array],
  [BinaryKind.uint16, Uint16Array],
  [BinaryKind.int32, Int32Array],
  [BinaryKind.uint32, Uint32Array],
  [BinaryKind.float32, Float32Array],
  [BinaryKind.float64, Float64Array],
  [BinaryKind.bigInt64, BigInt64Array],
  [BinaryKind.bigUint64, BigUint64Array],
]);

const KIND_BY_PROTOTYPE: ReadonlyMap<object, number> = new Map<object, number>([
  ...[...ELEMENT_CLASSES].map(([kind, cls]): [object, number] => [cls.prototype, kind]),
  [ArrayBuffer.prototype, BinaryKind.arrayBuffer],
  [DataView.prototype, BinaryKind.dataView],
  ...(NodeBuffer === undefined
    ? []
    : [[NodeBuffer.prototype, BinaryKind.buffer] as [object, number]]),
]);

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The kind byte of a binary value whose prototype is exactly one of the
 * built-in binary classes (subclasses are not binary values), or undefined.
 */
export function binaryKindOf(prototype: object | null): number | undefined {
  return prototype === null ? undefined : KIND_BY_PROTOTYPE.get(prototype);
}

/** The bytes to store for a binary value of `kind`: its own bytes only (a view's window), little-endian. */
export function binaryBytesOf(value: ArrayBuffer | ArrayBufferView, kind: number): Uint8Array {
  const bytes =
    value instanceof ArrayBuffer
      ? new Uint8Array(value)
      : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  const width = ELEMENT_CLASSES.get(kind)?.BYTES_PER_ELEMENT ?? 1;
  return HOST_IS_LITTLE_ENDIAN || width === 1 ? bytes : swapped(bytes, width);
}

/** The element class of each element-array kind, indexed by kind (holes elsewhere). */
const ELEMENT_CLASS_BY_KIND: readonly (ElementArrayClass | undefined)[] = (() => {
  const byKind: (ElementArrayClass | undefined)[] = [];
  for (const [kind, cls] of ELEMENT_CLASSES) byKind[kind] = cls;
  return byKind;
})();

/**
 * Builds a fresh binary value of `kind` from stored little-endian bytes
 * (copied, so it never aliases the record), or returns a reason string when
 * the kind is unknown or the length is not a whole number of elements.
 *
 * The bytes are copied once, by `new Uint8Array(payload)` (a plain memory
 * copy, faster than `slice` of a view or of its ArrayBuffer); a Uint8Array
 * is that copy itself, other kinds are one view of its buffer.
 */
export function binaryFromBytes(kind: number, payload: Uint8Array): object | string {
  switch (kind) {
    case BinaryKind.uint8:
      return new Uint8Array(payload);
    case BinaryKind.arrayBuffer:
      return new Uint8Array(payload).buffer;
    case BinaryKind.dataView:
      return new DataView(new Uint8Array(payload).buffer);
    case BinaryKind.buffer: {
      const copy = new Uint8Array(payload);
      return NodeBuffer === undefined ? copy : NodeBuffer.from(copy.buffer, 0, copy.byteLength);
    }
  }
  const cls = ELEMENT_CLASS_BY_KIND[kind];
  if (cls === undefined) return `unknown binary kind ${kind}`;
  const width = cls.BYTES_PER_ELEMENT;
  if (payload.byteLength % width !== 0) {
    return `${payload.byteLength} bytes is not a whole number of ${width}-byte elements (kind ${kind})`;
  }
  const copy =
    HOST_IS_LITTLE_ENDIAN || width === 1 ? new Uint8Array(payload) : swapped(payload, width);
  return new cls(copy.buffer);
}

/**
 * The static property by which a class says that the typed arrays of its
 * state may be views on a buffer shared with other objects: set to `true`
 * on a class, it lets {@link sharedBinaryFromBytes} serve the records of
 * that class (`decodeRecord` looks the record's class up in the registry).
 *
 * A class sets it only if its instances never hand those arrays out (nor
 * their `buffer`): a shared buffer shows other objects' bytes, and
 * transferring it would detach every array on it. The BTree leaves, which
 * keep their stores internal and give out copies, are such a class.
 */
export const SHARES_DECODED_BINARIES: unique symbol = Symbol('zodb.sharesDecodedBinaries');

/** Size of the slabs shared typed arrays are carved from. */
const SHARED_SLAB_BYTES = 16 * 1024;
/** Typed arrays larger than this get a buffer of their own, even when sharing is allowed. */
const SHARED_BYTES_MAX = SHARED_SLAB_BYTES / 4;

let sharedSlab = new ArrayBuffer(SHARED_SLAB_BYTES);
let sharedSlabBytes = new Uint8Array(sharedSlab);
let sharedSlabUsed = 0;

/**
 * As {@link binaryFromBytes}, but a small typed array (up to a quarter of
 * a 16 KiB slab) is a view on a region of a shared slab rather than an
 * array with a buffer of its own: one ArrayBuffer per slab instead of one
 * per value (a malloc and a buffer the collector tracks, about a
 * microsecond each). Regions are handed out once, on 8-byte boundaries,
 * and never reused, so views never overlap; a view keeps its slab alive.
 * ArrayBuffer, DataView and Buffer values, large arrays and big-endian
 * hosts get buffers of their own as before.
 */
export function sharedBinaryFromBytes(kind: number, payload: Uint8Array): object | string {
  const cls = ELEMENT_CLASS_BY_KIND[kind];
  const bytes = payload.byteLength;
  if (cls === undefined || bytes === 0 || bytes > SHARED_BYTES_MAX || !HOST_IS_LITTLE_ENDIAN) {
    return binaryFromBytes(kind, payload);
  }
  const width = cls.BYTES_PER_ELEMENT;
  if (bytes % width !== 0) return binaryFromBytes(kind, payload);
  let offset = (sharedSlabUsed + 7) & ~7;
  if (offset + bytes > SHARED_SLAB_BYTES) {
    sharedSlab = new ArrayBuffer(SHARED_SLAB_BYTES);
    sharedSlabBytes = new Uint8Array(sharedSlab);
    offset = 0;
  }
  sharedSlabBytes.set(payload, offset);
  sharedSlabUsed = offset + bytes;
  return new cls(sharedSlab, offset, bytes / width);
}

function swapped(bytes: Uint8Array, width: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.byteLength);
  for (let start = 0; start < bytes.byteLength; start += width) {
    for (let i = 0; i < width; i++) out[start + i] = bytes[start + width - 1 - i]!;
  }
  return out;
}
