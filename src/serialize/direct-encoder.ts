/**
 * The direct path of {@link encodeRecord}: the record bytes of a *plain*
 * state written in one walk, with no intermediate tree and no msgpackr.
 *
 * A plain state is what most objects store: plain objects, arrays, Maps
 * and Sets holding strings, numbers, booleans, null, undefined, 64-bit
 * bigints, binary data (typed arrays, ArrayBuffers, Buffers) and
 * references to persistent objects of this database, with no container
 * met twice. For such a state the bytes are exactly those the general path
 * (state-encoder.ts, then msgpackr) writes — the same MessagePack encodings,
 * header and reference table (FORMAT.md); a property test holds the two
 * paths to the same bytes. Anything else (a Map, a Date, a string with lone
 * surrogates, a shared container, a cross-database reference, a value that
 * cannot be stored...) makes this path give up, and the general path
 * encodes the state from the start, reporting errors as always.
 *
 * `ctx.persistentRef` is called for the objects met, in the same order as
 * the general path calls it, and its answers are noted; when this path
 * gives up, the general path walks the same objects in the same order and
 * gets the noted answers ({@link ReplayContext}), so `persistentRef` is
 * still called once per object met.
 *
 * The state is written into a scratch buffer, then the record (prefix,
 * header, state) into a shared 16 KiB output slab, of which small records
 * are views (see {@link takeRecord}).
 *
 * @module
 */

import type { Oid } from '../ids.js';
import {
  ExtType,
  FLAG_STRUCTURED,
  RECORD_FORMAT_VERSION,
  RECORD_MAGIC,
  REFERENCE_ENTRY_BYTES,
  TagKind,
} from './format.js';
import { binaryBytesOf, binaryKindOf } from './binary-kinds.js';
import type { EncodeContext, PersistentRef } from './interfaces.js';
import { NESTING_DEPTH_MAX } from './limits.js';
import { isWellFormedString } from './utf16.js';
import { markWriteOnce } from '../write-once-bytes.js';

/** Containers one state may hold on this path (each new one is compared with every earlier one). */
const CONTAINERS_MAX = 64;
/** Distinct references one state may hold on this path (their indexes fit 2 bytes). */
const REFERENCES_MAX = 0x1_0000;
/** Distinct references found by a scan of the table; past this many, through a Map. */
const SCANNED_REFERENCES_MAX = 32;
/** Distinct class names on this path (the header's class table is then a fixarray). */
const CLASSES_MAX = 15;
/** Strings up to this many UTF-16 units are encoded by hand (longer ones by Buffer's encoder). */
const SHORT_STRING_MAX = 64;

const INT64_MIN = -(2n ** 63n);
const INT64_END = 2n ** 63n;
const UINT64_END = 2n ** 64n;

const SLAB_BYTES = 16 * 1024;
/** Records larger than this get a buffer of their own instead of a slab view. */
const SHARED_RECORD_MAX = 2 * 1024;
/** The most `persistentRef` answers whose arrays are kept from one record to the next. */
const ANSWERS_KEPT_MAX = 4096;
/** The largest scratch buffer kept from one record to the next. */
const SCRATCH_KEPT_MAX = 1024 * 1024;

const NodeBuffer: typeof Buffer | undefined = (globalThis as { Buffer?: typeof Buffer }).Buffer;

function newBytes(size: number): Uint8Array {
  return NodeBuffer === undefined ? new Uint8Array(size) : NodeBuffer.allocUnsafeSlow(size);
}

const utf8 = new TextEncoder();

/** Why the walk stopped: the general path takes over. */
const GIVE_UP = false;

/**
 * The writer of plain states. One instance serves record after record; a
 * nested {@link encodePlainRecord} (from a `persistentRef` callback) finds
 * it busy and leaves the record to the general path.
 */
class PlainStateWriter {
  busy = false;
  /** Scratch for the state, then for the header. */
  buf: Uint8Array = newBytes(SLAB_BYTES);
  view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  pos = 0;
  ctx: EncodeContext | undefined = undefined;
  /** The inline containers met so far. */
  readonly containers: object[] = [];
  /** The reference table: oids and class indexes, in order of first use. */
  readonly oids: Oid[] = [];
  /** The index of each oid of {@link oids}, once the table is too long to scan. */
  oidIndexes: Map<Oid, number> | undefined = undefined;
  readonly classIndexes: number[] = [];
  /** Whether the state holds structure tags (Maps, Sets): the record's structured flag. */
  structured = false;
  readonly classes: string[] = [];
  /** What `persistentRef` was asked and answered, in order (see {@link ReplayContext}). */
  answers = new RefAnswers();

  reset(ctx: EncodeContext): void {
    this.busy = true;
    this.ctx = ctx;
    this.pos = 0;
    this.containers.length = 0;
    this.oids.length = 0;
    this.oidIndexes = undefined;
    this.classIndexes.length = 0;
    this.structured = false;
    this.classes.length = 0;
    // Arrays grown for a state of many objects are not kept for the next.
    if (this.answers.count > ANSWERS_KEPT_MAX) this.answers = new RefAnswers();
    else if (this.answers.count > 0) this.answers.clear();
  }

  finish(): void {
    this.busy = false;
    this.ctx = undefined;
    // A scratch buffer grown for one large state is not kept for the next.
    if (this.buf.length > SCRATCH_KEPT_MAX) {
      this.buf = newBytes(SLAB_BYTES);
      this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    }
  }

  /** Makes room for `bytes` more bytes at `pos`. */
  room(bytes: number): void {
    const needed = this.pos + bytes;
    if (needed <= this.buf.length) return;
    const bigger = newBytes(Math.max(needed, this.buf.length * 2));
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
    this.view = new DataView(bigger.buffer, bigger.byteOffset, bigger.byteLength);
  }

  /** Writes the state itself (a container, never offered to `persistentRef`). */
  state(state: unknown): boolean {
    if (typeof state !== 'object' || state === null) return this.value(state, 0);
    return this.container(state, 0);
  }

  value(value: unknown, depth: number): boolean {
    switch (typeof value) {
      case 'string':
        return this.string(value);
      case 'number':
        this.number(value);
        return true;
      case 'boolean':
        this.room(1);
        this.buf[this.pos++] = value ? 0xc3 : 0xc2;
        return true;
      case 'undefined':
        this.room(3);
        this.buf[this.pos++] = 0xd4;
        this.buf[this.pos++] = 0;
        this.buf[this.pos++] = 0;
        return true;
      case 'bigint':
        return this.bigint(value);
      case 'object': {
        if (value === null) {
          this.room(1);
          this.buf[this.pos++] = 0xc0;
          return true;
        }
        const ref = (this.ctx as EncodeContext).persistentRef(value);
        this.answers.note(value, ref);
        if (ref !== undefined) return this.reference(ref);
        return this.container(value, depth);
      }
      default:
        return GIVE_UP;
    }
  }

  container(value: object, depth: number): boolean {
    if (depth >= NESTING_DEPTH_MAX) return GIVE_UP;
    const containers = this.containers;
    if (containers.length >= CONTAINERS_MAX || containers.includes(value)) return GIVE_UP;
    containers.push(value);
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype === Array.prototype) return this.array(value as unknown[], depth + 1);
    if (prototype === Object.prototype) {
      return this.object(value as Record<string, unknown>, depth + 1);
    }
    if (prototype === Map.prototype) return this.map(value as Map<unknown, unknown>, depth + 1);
    if (prototype === Set.prototype) return this.set(value as Set<unknown>, depth + 1);
    const kind = binaryKindOf(prototype as object | null);
    if (kind === undefined) return GIVE_UP;
    this.binary(kind, binaryBytesOf(value as ArrayBuffer | ArrayBufferView, kind));
    return true;
  }

  /** A Map: the structure `[tag, key1, value1, ...]` (FORMAT.md, "Structures"). */
  map(source: Map<unknown, unknown>, depth: number): boolean {
    this.tagged(TagKind.map, 2 * source.size);
    for (const [key, item] of source) {
      if (!this.value(key, depth) || !this.value(item, depth)) return GIVE_UP;
    }
    return true;
  }

  /** A Set: the structure `[tag, item1, ...]`. */
  set(source: Set<unknown>, depth: number): boolean {
    this.tagged(TagKind.set, source.size);
    for (const item of source) if (!this.value(item, depth)) return GIVE_UP;
    return true;
  }

  /** The header of a structure array of `items` items after its tag, and the tag. */
  tagged(kind: number, items: number): void {
    this.structured = true;
    this.arrayHeader(1 + items);
    this.room(3);
    this.buf[this.pos++] = 0xd4;
    this.buf[this.pos++] = ExtType.tag;
    this.buf[this.pos++] = kind;
  }

  /** Binary data (extension 0x25): the kind byte, then the bytes. */
  binary(kind: number, bytes: Uint8Array): void {
    const length = 1 + bytes.length;
    this.room(6 + length);
    const buf = this.buf;
    if (length === 1 || length === 2 || length === 4 || length === 8 || length === 16) {
      buf[this.pos++] =
        length === 1
          ? 0xd4
          : length === 2
            ? 0xd5
            : length === 4
              ? 0xd6
              : length === 8
                ? 0xd7
                : 0xd8;
    } else if (length < 0x100) {
      buf[this.pos++] = 0xc7;
      buf[this.pos++] = length;
    } else if (length < 0x1_0000) {
      buf[this.pos++] = 0xc8;
      buf[this.pos++] = length >> 8;
      buf[this.pos++] = length & 0xff;
    } else {
      buf[this.pos++] = 0xc9;
      this.view.setUint32(this.pos, length);
      this.pos += 4;
    }
    buf[this.pos++] = ExtType.binary;
    buf[this.pos++] = kind;
    buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  array(items: unknown[], depth: number): boolean {
    const length = items.length;
    this.arrayHeader(length);
    for (let i = 0; i < length; i++) if (!this.value(items[i], depth)) return GIVE_UP;
    return true;
  }

  /** The header of an array of `length` items. */
  arrayHeader(length: number): void {
    this.header16or32(length, 0x90, 0xdc);
  }

  /**
   * The smallest array or map header for `length`: the fix form (`fix`
   * ORed with the length) below 16, else the 16-bit form (byte `wide16`)
   * or the 32-bit one (the byte after it).
   */
  header16or32(length: number, fix: number, wide16: number): void {
    this.room(5);
    const buf = this.buf;
    if (length < 0x10) {
      buf[this.pos++] = fix | length;
    } else if (length < 0x1_0000) {
      buf[this.pos++] = wide16;
      buf[this.pos++] = length >> 8;
      buf[this.pos++] = length & 0xff;
    } else {
      buf[this.pos++] = wide16 + 1;
      this.view.setUint32(this.pos, length);
      this.pos += 4;
    }
  }

  object(source: Record<string, unknown>, depth: number): boolean {
    if (Object.hasOwn(source, '__proto__')) return GIVE_UP;
    const keys = Object.keys(source);
    const length = keys.length;
    this.header16or32(length, 0x80, 0xde);
    for (let i = 0; i < length; i++) {
      const key = keys[i]!;
      if (!this.string(key) || !this.value(source[key], depth)) return GIVE_UP;
    }
    return true;
  }

  number(value: number): void {
    this.room(9);
    const buf = this.buf;
    if (value >>> 0 === value) {
      if (value === 0 && 1 / value < 0) {
        buf[this.pos++] = 0xcb;
        this.view.setFloat64(this.pos, value);
        this.pos += 8;
      } else if (value < 0x80) {
        buf[this.pos++] = value;
      } else if (value < 0x100) {
        buf[this.pos++] = 0xcc;
        buf[this.pos++] = value;
      } else if (value < 0x1_0000) {
        buf[this.pos++] = 0xcd;
        buf[this.pos++] = value >> 8;
        buf[this.pos++] = value & 0xff;
      } else {
        buf[this.pos++] = 0xce;
        this.view.setUint32(this.pos, value);
        this.pos += 4;
      }
    } else if (value >> 0 === value) {
      if (value >= -0x20) {
        buf[this.pos++] = 0x100 + value;
      } else if (value >= -0x80) {
        buf[this.pos++] = 0xd0;
        buf[this.pos++] = value + 0x100;
      } else if (value >= -0x8000) {
        buf[this.pos++] = 0xd1;
        this.view.setInt16(this.pos, value);
        this.pos += 2;
      } else {
        buf[this.pos++] = 0xd2;
        this.view.setInt32(this.pos, value);
        this.pos += 4;
      }
    } else {
      buf[this.pos++] = 0xcb;
      this.view.setFloat64(this.pos, value);
      this.pos += 8;
    }
  }

  bigint(value: bigint): boolean {
    this.room(9);
    if (value >= INT64_MIN && value < INT64_END) {
      this.buf[this.pos++] = 0xd3;
      this.view.setBigInt64(this.pos, value);
    } else if (value > 0n && value < UINT64_END) {
      this.buf[this.pos++] = 0xcf;
      this.view.setBigUint64(this.pos, value);
    } else {
      return GIVE_UP;
    }
    this.pos += 8;
    return true;
  }

  /** A str with the smallest header; gives up on lone surrogates. */
  string(text: string): boolean {
    const units = text.length;
    if (units > SHORT_STRING_MAX) return this.longString(text);
    // The header is guessed from the unit count and moved if the byte count needs more.
    const guessed = units < 0x20 ? 1 : 2;
    this.room(guessed + 1 + units * 3);
    const buf = this.buf;
    const start = this.pos;
    let at = start + guessed;
    for (let i = 0; i < units; i++) {
      let c = text.charCodeAt(i);
      if (c < 0x80) {
        buf[at++] = c;
      } else if (c < 0x800) {
        buf[at++] = (c >> 6) | 0xc0;
        buf[at++] = (c & 0x3f) | 0x80;
      } else if ((c & 0xf800) !== 0xd800) {
        buf[at++] = (c >> 12) | 0xe0;
        buf[at++] = ((c >> 6) & 0x3f) | 0x80;
        buf[at++] = (c & 0x3f) | 0x80;
      } else {
        const low = i + 1 < units ? text.charCodeAt(i + 1) : 0;
        if ((c & 0xfc00) !== 0xd800 || (low & 0xfc00) !== 0xdc00) return GIVE_UP;
        c = 0x10000 + ((c & 0x3ff) << 10) + (low & 0x3ff);
        i++;
        buf[at++] = (c >> 18) | 0xf0;
        buf[at++] = ((c >> 12) & 0x3f) | 0x80;
        buf[at++] = ((c >> 6) & 0x3f) | 0x80;
        buf[at++] = (c & 0x3f) | 0x80;
      }
    }
    const length = at - start - guessed;
    if (length < 0x20) {
      buf[start] = 0xa0 | length;
    } else {
      if (guessed < 2) buf.copyWithin(start + 2, start + 1, at);
      buf[start] = 0xd9;
      buf[start + 1] = length;
    }
    this.pos = start + (length < 0x20 ? 1 : 2) + length;
    return true;
  }

  longString(text: string): boolean {
    if (!isWellFormedString(text)) return GIVE_UP;
    const units = text.length;
    this.room(5 + units * 3);
    const header = units < 0x100 ? 2 : units < 0x1_0000 ? 3 : 5;
    const start = this.pos;
    const length = utf8.encodeInto(text, this.buf.subarray(start + header)).written;
    const needed = length < 0x20 ? 1 : length < 0x100 ? 2 : length < 0x1_0000 ? 3 : 5;
    const buf = this.buf;
    if (needed !== header) buf.copyWithin(start + needed, start + header, start + header + length);
    if (needed === 1) {
      buf[start] = 0xa0 | length;
    } else if (needed === 2) {
      buf[start] = 0xd9;
      buf[start + 1] = length;
    } else if (needed === 3) {
      buf[start] = 0xda;
      buf[start + 1] = length >> 8;
      buf[start + 2] = length & 0xff;
    } else {
      buf[start] = 0xdb;
      this.view.setUint32(start + 1, length);
    }
    this.pos = start + needed + length;
    return true;
  }

  /** A reference (extension 0x20) to the reference-table entry of `ref`, adding the entry if new. */
  reference(ref: PersistentRef): boolean {
    const oid = ref.oid;
    const className = ref.className;
    if (
      ref.database !== undefined ||
      !Number.isSafeInteger(oid) ||
      oid < 0 ||
      typeof className !== 'string' ||
      className === ''
    ) {
      return GIVE_UP;
    }
    let classIndex = this.classes.indexOf(className);
    if (classIndex < 0) {
      classIndex = this.classes.length;
      if (classIndex >= CLASSES_MAX) return GIVE_UP;
      this.classes.push(className);
    }
    const oids = this.oids;
    let index =
      this.oidIndexes === undefined ? oids.indexOf(oid) : (this.oidIndexes.get(oid) ?? -1);
    if (index < 0) {
      index = oids.length;
      if (index >= REFERENCES_MAX) return GIVE_UP;
      oids.push(oid);
      this.classIndexes.push(classIndex);
      if (this.oidIndexes !== undefined) this.oidIndexes.set(oid, index);
      else if (index === SCANNED_REFERENCES_MAX) this.oidIndexes = indexesOf(oids);
    } else if (this.classIndexes[index] !== classIndex) {
      return GIVE_UP;
    }
    // A fixext 1 or 2 (indexes stay below REFERENCES_MAX).
    this.room(4);
    const buf = this.buf;
    if (index < 0x100) {
      buf[this.pos++] = 0xd4;
      buf[this.pos++] = ExtType.reference;
      buf[this.pos++] = index;
    } else {
      buf[this.pos++] = 0xd5;
      buf[this.pos++] = ExtType.reference;
      buf[this.pos++] = index >> 8;
      buf[this.pos++] = index & 0xff;
    }
    return true;
  }

  /** Writes the prefix and header after the state, at `pos`. */
  header(className: string): boolean {
    this.room(4);
    const buf = this.buf;
    buf[this.pos++] = RECORD_MAGIC;
    buf[this.pos++] = RECORD_FORMAT_VERSION;
    buf[this.pos++] = this.structured ? FLAG_STRUCTURED : 0;
    buf[this.pos++] = 0x93;
    if (!this.string(className)) return GIVE_UP;
    const classes = this.classes;
    this.room(1);
    this.buf[this.pos++] = 0x90 | classes.length;
    for (let i = 0; i < classes.length; i++) if (!this.string(classes[i]!)) return GIVE_UP;
    const oids = this.oids;
    const tableBytes = oids.length * REFERENCE_ENTRY_BYTES;
    this.room(5 + tableBytes);
    const out = this.buf;
    // 10 bytes per entry: never a fixext length; ext 8 up to 25 entries, then ext 16.
    if (tableBytes < 0x100) {
      out[this.pos++] = 0xc7;
      out[this.pos++] = tableBytes;
    } else {
      out[this.pos++] = 0xc8;
      out[this.pos++] = tableBytes >> 8;
      out[this.pos++] = tableBytes & 0xff;
    }
    out[this.pos++] = ExtType.referenceTable;
    const view = this.view;
    for (let i = 0; i < oids.length; i++) {
      const oid = oids[i]!;
      view.setUint32(this.pos, Math.floor(oid / 0x1_0000_0000));
      view.setUint32(this.pos + 4, oid >>> 0);
      view.setUint16(this.pos + 8, this.classIndexes[i]!);
      this.pos += REFERENCE_ENTRY_BYTES;
    }
    return true;
  }
}

/** A Map from each item of `items` to its index. */
function indexesOf<T>(items: readonly T[]): Map<T, number> {
  const map = new Map<T, number>();
  for (let i = 0; i < items.length; i++) map.set(items[i]!, i);
  return map;
}

/**
 * The answers of `persistentRef` during a plain attempt: per call, the
 * object asked about and the reference answered (copied: a context may
 * reuse one reference object), or no reference.
 */
class RefAnswers {
  count = 0;
  readonly values: (object | undefined)[] = [];
  readonly oids: Oid[] = [];
  /** The class name answered, or undefined for "no reference". */
  readonly classNames: (string | undefined)[] = [];
  readonly databases: (string | undefined)[] = [];

  note(value: object, ref: PersistentRef | undefined): void {
    // Written by index: the arrays serve record after record (see clear).
    const i = this.count++;
    this.values[i] = value;
    if (ref === undefined) {
      this.oids[i] = 0;
      this.classNames[i] = undefined;
      this.databases[i] = undefined;
    } else {
      this.oids[i] = ref.oid;
      this.classNames[i] = ref.className;
      this.databases[i] = ref.database;
    }
  }

  /** Forgets the answers (and lets go of the objects asked about). */
  clear(): void {
    this.values.fill(undefined, 0, this.count);
    this.count = 0;
  }
}

/**
 * The context the general path encodes with after a plain attempt gave
 * up: its first calls, on the objects the attempt met in the same order,
 * get the noted answers; later calls go to the caller's context.
 */
class ReplayContext implements EncodeContext {
  readonly registry: EncodeContext['registry'];
  #next = 0;
  readonly #answers: RefAnswers;
  readonly #ctx: EncodeContext;

  constructor(ctx: EncodeContext, answers: RefAnswers) {
    this.#ctx = ctx;
    this.#answers = answers;
    this.registry = ctx.registry;
  }

  persistentRef(value: object): PersistentRef | undefined {
    const answers = this.#answers;
    const i = this.#next;
    if (i < answers.count && answers.values[i] === value) {
      this.#next++;
      const className = answers.classNames[i];
      if (className === undefined) return undefined;
      const ref: PersistentRef = { oid: answers.oids[i]!, className };
      const database = answers.databases[i];
      if (database !== undefined) ref.database = database;
      return ref;
    }
    // Past the noted calls (or off their order, which the walks never are).
    this.#next = answers.count;
    return this.#ctx.persistentRef(value);
  }
}

const writer = new PlainStateWriter();

/**
 * A new output slab, marked write-once: a region is written once, then
 * handed out as a record, and never written again, so storages may keep
 * the records without copying them (see `write-once-bytes.ts`).
 */
function newSlab(): Uint8Array {
  const bytes = newBytes(SLAB_BYTES);
  markWriteOnce(bytes.buffer);
  return bytes;
}

/** The output slab small records are views of, and the next free byte in it. */
let slab = newSlab();
let slabUsed = 0;

/**
 * The record made of `header` then `state` (two ranges of the scratch
 * buffer): a view of the shared slab for a small record (no later call
 * writes to its bytes), else a buffer of its own.
 */
function takeRecord(scratch: Uint8Array, stateEnd: number, headerEnd: number): Uint8Array {
  const headerBytes = headerEnd - stateEnd;
  const size = headerBytes + stateEnd;
  let out: Uint8Array;
  if (size > SHARED_RECORD_MAX) {
    out = NodeBuffer === undefined ? new Uint8Array(size) : NodeBuffer.allocUnsafe(size);
  } else {
    if (slabUsed + size > SLAB_BYTES) {
      slab = newSlab();
      slabUsed = 0;
    }
    out = slab.subarray(slabUsed, slabUsed + size);
    slabUsed += size;
  }
  out.set(scratch.subarray(stateEnd, headerEnd), 0);
  out.set(scratch.subarray(0, stateEnd), headerBytes);
  return out;
}

/**
 * The record of `className` and `state` if the state is plain (see the
 * module documentation); otherwise the context the general path must
 * encode the state with (the caller's, or one replaying the answers
 * `persistentRef` already gave).
 */
export function encodePlainRecord(
  className: string,
  state: unknown,
  ctx: EncodeContext,
): Uint8Array | EncodeContext {
  if (writer.busy) return ctx;
  writer.reset(ctx);
  try {
    if (writer.state(state)) {
      const stateEnd = writer.pos;
      if (writer.header(className)) return takeRecord(writer.buf, stateEnd, writer.pos);
    }
    const answers = writer.answers;
    if (answers.count === 0) return ctx;
    writer.answers = new RefAnswers();
    return new ReplayContext(ctx, answers);
  } finally {
    writer.finish();
  }
}
