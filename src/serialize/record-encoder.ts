/**
 * {@link encodeRecord}: class name and state to record bytes.
 *
 * @module
 */

import { defaultRegistry } from './class-registry.js';
import { RecordWriter } from './ext-writers.js';
import { FLAG_STRUCTURED } from './format.js';
import type { EncodeContext } from './interfaces.js';
import { RESET_BUFFER_MODE, REUSE_BUFFER_MODE } from 'msgpackr';
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
 * not exist) owned by the caller: no later call writes to its bytes, but
 * like any small Buffer from `Buffer.allocUnsafe` it may share its
 * ArrayBuffer (at most 64 KiB) with other records.
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
 * msgpackr's output buffer is shared out as a slab while it is this small:
 * each record is then a view of it (msgpackr never writes below its
 * position again), with no copy. Past this size (after a large record made
 * msgpackr grow its buffer) records are copied out, so a small record never
 * keeps a large buffer alive.
 */
const SHARED_SLAB_MAX = 64 * 1024;

/** The length of msgpackr's buffer after the last pack (0: not known yet, copy). */
let slabLength = 0;

/** Packs the record writer: a view of msgpackr's slab while that is small, else a copy. */
function packOut(writer: RecordWriter): Uint8Array {
  if (slabLength > 0 && slabLength <= SHARED_SLAB_MAX) {
    // REUSE_BUFFER_MODE without RESET: msgpackr's whole buffer, the record's
    // bounds in start/end, and its position left after the record.
    const packed = recordPackr.pack(writer, REUSE_BUFFER_MODE) as ReusedBuffer;
    slabLength = packed.length;
    return packed.subarray(packed.start, packed.end);
  }
  const packed = recordPackr.pack(writer, REUSE_BUFFER_MODE | RESET_BUFFER_MODE) as ReusedBuffer;
  slabLength = packed.length;
  return copyOut(packed, packed.start, packed.end);
}

const NodeBuffer: typeof Buffer | undefined = (globalThis as { Buffer?: typeof Buffer }).Buffer;

/**
 * Copies the record out of msgpackr's reused buffer: into a pooled Buffer
 * (cheap for small records) under Node, a fresh Uint8Array elsewhere.
 */
function copyOut(packed: Uint8Array, start: number, end: number): Uint8Array {
  if (NodeBuffer === undefined || !(packed instanceof NodeBuffer)) return packed.slice(start, end);
  const out = NodeBuffer.allocUnsafe(end - start);
  packed.copy(out, 0, start, end);
  return out;
}
