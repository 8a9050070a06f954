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
  new (buffer: ArrayBuffer): ElementArray;
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

function swapped(bytes: Uint8Array, width: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.byteLength);
  for (let start = 0; start < bytes.byteLength; start += width) {
    for (let i = 0; i < width; i++) out[start + i] = bytes[start + width - 1 - i]!;
  }
  return out;
}
