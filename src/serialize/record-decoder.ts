/**
 * {@link decodeRecord} (with the application's classes) and
 * {@link decodeRecordGeneric} (without them).
 *
 * @module
 */

import { UnknownClassError } from '../errors.js';
import type { Oid } from '../ids.js';
import type { ClassRegistry } from './class-registry.js';
import { defaultRegistry } from './class-registry.js';
import { CallbackFailure, MalformedRecord, callCaller, decodeError } from './decode-failures.js';
import { enterDecodeRun, leaveDecodeRun } from './ext-readers.js';
import { FLAG_STRUCTURED } from './format.js';
import type { DecodeContext, PersistentRef } from './interfaces.js';
import { recordUnpackr } from './msgpack-codec.js';
import { PersistentReference } from './persistent-reference.js';
import type { ParsedHeader } from './record-header.js';
import { parseHeader, readPrefix } from './record-header.js';
import { StructurePass } from './structure-pass.js';
import type { StructureSources, ValueClassLookup } from './structure-pass.js';

/** The state of one decode: header, reference resolution, value classes. */
class RecordDecode implements StructureSources {
  header: ParsedHeader | undefined;
  readonly #resolveRef: (ref: PersistentRef) => object;
  readonly #resolved: unknown[] = [];

  constructor(
    readonly structured: boolean,
    resolveRef: (ref: PersistentRef) => object,
    readonly valueClass: ValueClassLookup,
  ) {
    this.#resolveRef = resolveRef;
  }

  className(index: number): string {
    const name = this.header?.classes[index];
    if (name === undefined)
      throw new MalformedRecord(`class #${index} is not in the record's class table`);
    return name;
  }

  resolveReference(index: number): unknown {
    const done = this.#resolved[index];
    if (done !== undefined) return done;
    const oid = this.header?.referenceOids[index];
    if (oid === undefined)
      throw new MalformedRecord(`reference #${index} is not in the record's reference table`);
    const className = this.className(this.header!.referenceClasses[index]!);
    // Inline rather than callCaller: no closure per reference.
    let target: unknown;
    try {
      target = this.#resolveRef({ oid, className });
    } catch (error) {
      throw new CallbackFailure(error);
    }
    this.#resolved[index] = target;
    return target;
  }

  resolveCrossReference(oid: Oid, classIndex: number, database: string): unknown {
    const className = this.className(classIndex);
    return callCaller(() => this.#resolveRef({ oid, className, database }));
  }
}

interface Decoded {
  header: ParsedHeader;
  state: unknown;
}

function decode(
  data: Uint8Array,
  resolveRef: (ref: PersistentRef) => object,
  valueClass: ValueClassLookup,
): Decoded {
  const flags = readPrefix(data);
  const run = new RecordDecode((flags & FLAG_STRUCTURED) !== 0, resolveRef, valueClass);
  let stateOffset: number | undefined;
  try {
    const parsed = parseHeader(data);
    run.header = parsed.header;
    stateOffset = parsed.stateOffset;
    if (stateOffset >= data.byteLength) {
      throw new MalformedRecord(
        'the record ends after its header: the state is missing',
        data.byteLength,
      );
    }
    // A plain unpack of a view: msgpackr saves and restores its state when
    // this runs inside another decode (a callback decoding another record).
    const body = data.subarray(stateOffset);
    const outer = enterDecodeRun(run);
    let state: unknown;
    try {
      state = recordUnpackr.unpack(body) as unknown;
    } finally {
      leaveDecodeRun(outer);
    }
    if (run.structured) state = new StructurePass(run).value(state, 0);
    return { header: parsed.header, state };
  } catch (error) {
    const what = `record${run.header === undefined ? '' : ` of class ${run.header.className}`} is corrupted`;
    throw decodeError(error, what, stateOffset);
  }
}

/**
 * Decodes a record with the application's classes: references become the
 * objects `ctx.resolveRef` returns (called once per distinct reference),
 * value-class instances are rebuilt from the registry.
 *
 * @throws CorruptedDataError when the bytes are not a valid record
 *   (truncated, garbage, unknown version); never another error for bad bytes.
 * @throws UnknownClassError when a value-class instance names a class that
 *   is neither registered nor an alias.
 * Errors thrown by `resolveRef` or a class's `__setstate__` propagate unchanged.
 */
export function decodeRecord(
  data: Uint8Array,
  ctx: DecodeContext,
): { className: string; state: unknown } {
  const { header, state } = decode(data, ctx.resolveRef, valueClassLookup(ctx.registry));
  return { className: header.className, state };
}

/** The registry of the last {@link valueClassLookup} and its lookup (records come in runs from one registry). */
let lastRegistry: ClassRegistry | undefined;
let lastLookup: ValueClassLookup | undefined;

/** The value-class lookup of `decodeRecord` for `registry` (default: defaultRegistry). */
function valueClassLookup(given: ClassRegistry | undefined): ValueClassLookup {
  const registry = given ?? defaultRegistry;
  if (registry === lastRegistry && lastLookup !== undefined) return lastLookup;
  const lookup: ValueClassLookup = (name) => {
    const cls = registry.classFor(name);
    if (cls === undefined) throw new UnknownClassError(name, 'a value class stored inline');
    return cls;
  };
  lastRegistry = registry;
  lastLookup = lookup;
  return lookup;
}

/** Options of {@link decodeRecordGeneric}. */
export interface GenericDecodeOptions {
  /** Registry to resolve value classes with, when `resolveValueClasses` (default defaultRegistry). */
  registry?: ClassRegistry;
  /** Rebuild instances of registered value classes; unregistered ones stay ValueObjects. Default false. */
  resolveValueClasses?: boolean;
}

/**
 * Decodes a record without the application's classes, for tools, the
 * database browser and conflict resolution: references become
 * {@link PersistentReference}s, value-class instances {@link ValueObject}s
 * (or instances, with `resolveValueClasses`). Re-encoding the result with
 * `encodeRecord` reproduces the record.
 *
 * @throws CorruptedDataError as {@link decodeRecord}.
 */
export function decodeRecordGeneric(
  data: Uint8Array,
  options: GenericDecodeOptions = {},
): { className: string; references: Oid[]; state: unknown } {
  const registry = options.registry ?? defaultRegistry;
  const lookup: ValueClassLookup =
    options.resolveValueClasses === true ? (name) => registry.classFor(name) : () => undefined;
  const { header, state } = decode(
    data,
    (ref) => new PersistentReference(ref.oid, ref.className, ref.database),
    lookup,
  );
  return { className: header.className, references: [...header.referenceOids], state };
}
