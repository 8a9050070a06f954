/**
 * {@link encodeRecord}: class name and state to record bytes.
 *
 * @module
 */

import { defaultRegistry } from './class-registry.js';
import { encodePlainRecord } from './direct-encoder.js';
import { RecordWriter } from './ext-writers.js';
import { FLAG_STRUCTURED } from './format.js';
import type { EncodeContext } from './interfaces.js';
import { REUSE_BUFFER_MODE } from 'msgpackr';
import { recordPackr } from './msgpack-codec.js';
import { StateEncoder } from './state-encoder.js';
import { UnstorableFailure } from './unstorable.js';

/** The encoder no `encodeRecord` call is using, if any. */
let spareEncoder: StateEncoder | undefined;

/**
 * Encodes a record: the class name `className`, the references found in
 * `state`, and `state` itself (layout in FORMAT.md).
 *
 * Every object met inside the state is first offered to
 * `ctx.persistentRef`; the rest must be storable values (see FORMAT.md,
 * "Values"). The result is a Node Buffer (a Uint8Array where Buffer does
 * not exist): no later call writes to its bytes, but like any small Buffer
 * from `Buffer.allocUnsafe` it may share its ArrayBuffer (at most 64 KiB)
 * with other records. Treat the bytes as read-only: a small record may be
 * a view of a write-once slab (`write-once-bytes.ts`), which MappingStorage
 * keeps without a copy once committed.
 *
 * @example
 * ```ts
 * const bytes = encodeRecord('app.Account', { owner: 'Ada', balance: 10n }, {
 *   persistentRef: (value) => (value instanceof Persistent ? refOf(value) : undefined),
 * });
 * ```
 * @throws UnstorableValueError when the state holds a value that cannot be
 *   stored (a function, a symbol, a WeakMap, a Promise, an instance of an
 *   unregistered class, a class object, nesting past the limit); its `path`
 *   names where, its message the fix. Nothing is encoded then.
 * @throws TypeError if `className` is empty or `persistentRef` returns an
 *   invalid reference (programmer errors).
 * Errors thrown by `persistentRef` or a `__getstate__()` propagate unchanged.
 */
export function encodeRecord(className: string, state: unknown, ctx: EncodeContext): Uint8Array {
  if (typeof className !== 'string' || className === '') {
    throw new TypeError(
      `encodeRecord: the class name must be a non-empty string, got ${String(className)}`,
    );
  }
  // Most states are plain (direct-encoder.ts): written in one walk.
  const plain = encodePlainRecord(className, state, ctx);
  if (plain instanceof Uint8Array) return plain;
  return encodeGeneral(className, state, plain);
}

/**
 * The general path: the state walk builds a tree of values and markers,
 * which msgpackr packs.
 *
 * @internal Exported for the tests that hold both paths to the same bytes.
 */
export function encodeGeneral(className: string, state: unknown, ctx: EncodeContext): Uint8Array {
  const registry = ctx.registry ?? defaultRegistry;
  // One encoder serves record after record; a nested call (from a callback
  // of the state walk) finds none spare and makes its own.
  const encoder = spareEncoder ?? new StateEncoder(ctx, registry);
  spareEncoder = undefined;
  encoder.start(ctx, registry);
  try {
    let tree: unknown;
    try {
      tree = encoder.encodeState(state);
    } catch (error) {
      if (error instanceof UnstorableFailure) throw error.toError(className);
      throw error;
    }
    const flags = encoder.structured ? FLAG_STRUCTURED : 0;
    const writer = new RecordWriter(
      flags,
      className,
      encoder.classes,
      encoder.referenceTable(),
      tree,
    );
    return packOut(writer);
  } finally {
    encoder.finish();
    spareEncoder = encoder;
  }
}

type ReusedBuffer = Buffer & { start: number; end: number };

/**
 * Small records are views of one shared slab, msgpackr's output buffer,
 * with no copy (msgpackr never writes below its position again, and starts
 * a new buffer when the slab is nearly full); records larger than
 * {@link SHARED_RECORD_MAX} are copied into buffers of their own. msgpackr
 * grows its buffer for a large record and keeps it; a slab grown past
 * {@link SLAB_BYTES} is replaced by a fresh one, so small records never keep
 * a large buffer alive.
 */
const SLAB_BYTES = 16 * 1024;
const SHARED_RECORD_MAX = 2 * 1024;

const NodeBuffer: typeof Buffer | undefined = (globalThis as { Buffer?: typeof Buffer }).Buffer;

function newSlab(): Uint8Array {
  return NodeBuffer === undefined
    ? new Uint8Array(SLAB_BYTES)
    : NodeBuffer.allocUnsafeSlow(SLAB_BYTES);
}

recordPackr.useBuffer(newSlab());

/** Packs the record writer into a view of the slab, or a copy for a large record. */
function packOut(writer: RecordWriter): Uint8Array {
  // REUSE_BUFFER_MODE (without RESET): msgpackr's whole buffer, the record's
  // bounds in start/end, and its position left after the record.
  const packed = recordPackr.pack(writer, REUSE_BUFFER_MODE) as ReusedBuffer;
  const { start, end } = packed;
  const grown = packed.length > SLAB_BYTES;
  if (end - start <= SHARED_RECORD_MAX && !grown) return packed.subarray(start, end);
  const out = copyOut(packed, start, end);
  if (grown) recordPackr.useBuffer(newSlab());
  else recordPackr.position = start;
  return out;
}

/** Copies a record out of msgpackr's buffer (into a pooled Buffer under Node). */
function copyOut(packed: Uint8Array, start: number, end: number): Uint8Array {
  if (NodeBuffer === undefined || !(packed instanceof NodeBuffer)) return packed.slice(start, end);
  const out = NodeBuffer.allocUnsafe(end - start);
  packed.copy(out, 0, start, end);
  return out;
}
