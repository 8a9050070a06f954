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
import { SHARES_DECODED_BINARIES } from './binary-kinds.js';
import { CallbackFailure, MalformedRecord, callCaller, decodeError } from './decode-failures.js';
import { enterDecodeRun, leaveDecodeRun } from './ext-readers.js';
import { FLAG_STRUCTURED } from './format.js';
import type { DecodeContext, PersistentRef } from './interfaces.js';
import { PersistentReference } from './persistent-reference.js';
import type { HeaderTarget } from './record-header.js';
import { parseHeaderInto, readPrefix } from './record-header.js';
import { readPlainState } from './plain-state-reader.js';
import { unpackState } from './state-unpack.js';
import { StructurePass } from './structure-pass.js';
import type { StructureSources, ValueClassLookup } from './structure-pass.js';

const NO_CLASSES: readonly string[] = Object.freeze([]);
const NO_OIDS: readonly Oid[] = Object.freeze([]);
const NO_INDEXES: readonly number[] = Object.freeze([]);

/**
 * The state of one decode: header, reference resolution, value classes.
 * One instance serves decode after decode ({@link takeRun}, {@link
 * giveBackRun}); a decode nested in a callback of another makes its own.
 */
class RecordDecode implements StructureSources, HeaderTarget {
  structured = false;
  /** Whether the whole header has been read (for the error message). */
  headerRead = false;
  className = '';
  classes: readonly string[] = NO_CLASSES;
  referenceOids: readonly Oid[] = NO_OIDS;
  referenceClasses: readonly number[] = NO_INDEXES;
  #resolveRef: (ref: PersistentRef) => object;
  /** The object of each reference-table entry resolved so far, made on first use. */
  #resolved: unknown[] | undefined;

  constructor(
    resolveRef: (ref: PersistentRef) => object,
    public valueClass: ValueClassLookup,
  ) {
    this.#resolveRef = resolveRef;
  }

  /** Prepares this (finished) run for a decode with these callbacks. */
  start(resolveRef: (ref: PersistentRef) => object, valueClass: ValueClassLookup): void {
    this.#resolveRef = resolveRef;
    this.valueClass = valueClass;
  }

  /** Forgets the last record and the caller's callbacks. */
  finish(): void {
    this.headerRead = false;
    this.classes = NO_CLASSES;
    this.referenceOids = NO_OIDS;
    this.referenceClasses = NO_INDEXES;
    this.#resolved = undefined;
    this.#resolveRef = unusedResolveRef;
    this.valueClass = unusedValueClass;
  }

  /** Entry `index` of the class table. */
  classNameAt(index: number): string {
    const name = this.classes[index];
    if (name === undefined)
      throw new MalformedRecord(`class #${index} is not in the record's class table`);
    return name;
  }

  resolveReference(index: number): unknown {
    const done = this.#resolved?.[index];
    if (done !== undefined) return done;
    const oid = this.referenceOids[index];
    if (oid === undefined)
      throw new MalformedRecord(`reference #${index} is not in the record's reference table`);
    const className = this.classNameAt(this.referenceClasses[index]!);
    // Inline rather than callCaller: no closure per reference.
    let target: unknown;
    try {
      target = this.#resolveRef({ oid, className });
    } catch (error) {
      throw new CallbackFailure(error);
    }
    (this.#resolved ??= new Array<unknown>(this.referenceOids.length))[index] = target;
    return target;
  }

  resolveCrossReference(oid: Oid, classIndex: number, database: string): unknown {
    const className = this.classNameAt(classIndex);
    return callCaller(() => this.#resolveRef({ oid, className, database }));
  }
}

function unusedResolveRef(): never {
  throw new Error('a finished RecordDecode was asked to resolve a reference');
}

function unusedValueClass(): undefined {
  return undefined;
}

/** The decode no call is using, if any. */
let spareRun: RecordDecode | undefined;

function takeRun(
  resolveRef: (ref: PersistentRef) => object,
  valueClass: ValueClassLookup,
): RecordDecode {
  const run = spareRun;
  if (run === undefined) return new RecordDecode(resolveRef, valueClass);
  spareRun = undefined;
  run.start(resolveRef, valueClass);
  return run;
}

function giveBackRun(run: RecordDecode): void {
  run.finish();
  spareRun = run;
}

/**
 * Decodes `data` with `run`: the header into the run, and returns the
 * state. With `registry`, a record whose class has
 * {@link SHARES_DECODED_BINARIES} gets its small typed arrays on shared slabs.
 */
function decodeWith(run: RecordDecode, data: Uint8Array, registry?: ClassRegistry): unknown {
  run.structured = (readPrefix(data) & FLAG_STRUCTURED) !== 0;
  let stateOffset: number | undefined;
  try {
    stateOffset = parseHeaderInto(data, run);
    run.headerRead = true;
    if (stateOffset >= data.byteLength) {
      throw new MalformedRecord(
        'the record ends after its header: the state is missing',
        data.byteLength,
      );
    }
    const outer = enterDecodeRun(run);
    let state: unknown;
    try {
      state = run.structured
        ? unpackState(data, stateOffset)
        : readPlainState(data, stateOffset, run, sharesBinaries(registry, run.className));
    } finally {
      leaveDecodeRun(outer);
    }
    return run.structured ? new StructurePass(run).value(state, 0) : state;
  } catch (error) {
    const what = `record${run.headerRead ? ` of class ${run.className}` : ''} is corrupted`;
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
  const run = takeRun(ctx.resolveRef, valueClassLookup(ctx.registry));
  try {
    const state = decodeWith(run, data, ctx.registry ?? defaultRegistry);
    return { className: run.className, state };
  } finally {
    giveBackRun(run);
  }
}

/** Whether `className` is registered in `registry` as a class with {@link SHARES_DECODED_BINARIES}. */
function sharesBinaries(registry: ClassRegistry | undefined, className: string): boolean {
  if (registry === undefined) return false;
  const cls = registry.classFor(className) as { [SHARES_DECODED_BINARIES]?: unknown } | undefined;
  return cls?.[SHARES_DECODED_BINARIES] === true;
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
  const run = takeRun(
    (ref) => new PersistentReference(ref.oid, ref.className, ref.database),
    lookup,
  );
  try {
    const state = decodeWith(run, data);
    return { className: run.className, references: [...run.referenceOids], state };
  } finally {
    giveBackRun(run);
  }
}
