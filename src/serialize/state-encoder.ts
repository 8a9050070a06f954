/**
 * The state walk of encoding: checks every value, turns persistent objects
 * into references, numbers inline objects for shared and cyclic structure,
 * and produces the tree msgpackr packs.
 *
 * The tree reuses the caller's plain objects and arrays wherever they need
 * no change (only strings, ordinary numbers, booleans, null, undefined,
 * 64-bit bigints and other unchanged plain containers inside); a container is
 * copied only when something inside it must be replaced by a marker. Every
 * container encoded inline gets the next object number in depth-first
 * pre-order, the same order a decoder meets it (FORMAT.md, "Structures").
 *
 * @module
 */

import type { Oid } from '../ids.js';
import type { ClassRegistry, AnyClass } from './class-registry.js';
import {
  BackReferenceWriter,
  BigIntWriter,
  BinaryWriter,
  CrossReferenceWriter,
  DateWriter,
  NEGATIVE_ZERO,
  ReferenceTableWriter,
  RegExpWriter,
  TagWriter,
  Utf16StringWriter,
  referenceWriter,
} from './ext-writers.js';
import { TagKind } from './format.js';
import type { EncodeContext, PersistentRef } from './interfaces.js';
import { CLASS_TABLE_ENTRIES_MAX, NESTING_DEPTH_MAX, RECORD_INDEX_MAX } from './limits.js';
import { ObjectNumbers } from './object-numbers.js';
import { PersistentReference } from './persistent-reference.js';
import { binaryBytesOf, binaryKindOf } from './binary-kinds.js';
import {
  builtinFailure,
  depthFailure,
  functionFailure,
  limitFailure,
  mapValueSegment,
  propertySegment,
  rethrowWithSegment,
  slottedSubclassFailure,
  symbolFailure,
  unregisteredFailure,
} from './unstorable.js';
import { isWellFormedString } from './utf16.js';
import { ValueObject } from './value-object.js';

const MAP_TAG = new TagWriter(TagKind.map);
const SET_TAG = new TagWriter(TagKind.set);
const VALUE_TAG = new TagWriter(TagKind.value);
const OBJECT_TAG = new TagWriter(TagKind.object);

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Built-ins whose contents live in internal slots, not own properties. */
const SLOTTED_BUILTINS: readonly [AnyClass, string][] = [
  [Map, 'Map'],
  [Set, 'Set'],
  [Date, 'Date'],
  [RegExp, 'RegExp'],
  [Error, 'Error'],
  [ArrayBuffer, 'ArrayBuffer'],
  [Number, 'Number'],
  [String, 'String'],
  [Boolean, 'Boolean'],
];

type Properties = Record<string, unknown>;

/**
 * Encodes one state at a time: `encodeRecord` takes an instance, calls
 * {@link StateEncoder.start}, walks one state, packs, and calls
 * {@link StateEncoder.finish}, after which the instance can serve the next
 * record (so its tables are not reallocated per record).
 */
export class StateEncoder {
  /** The class table, in order of first use. */
  classes: string[] = [];
  /** Whether the tree holds structure tags or back-references. */
  structured = false;
  #context: EncodeContext | undefined;
  #registry: ClassRegistry;
  #classIndexes: Map<string, number> | undefined;
  #referenceOids: Oid[] = [];
  #referenceClasses: number[] = [];
  #referenceIndexes: Map<Oid, number> | undefined;
  /** The number of each inline object met so far. */
  readonly #objectNumbers = new ObjectNumbers();
  #nextObjectNumber = 0;

  constructor(context: EncodeContext, registry: ClassRegistry) {
    this.#context = context;
    this.#registry = registry;
  }

  /** Prepares this (finished) encoder for a state encoded with `context` and `registry`. */
  start(context: EncodeContext, registry: ClassRegistry): void {
    this.#context = context;
    this.#registry = registry;
  }

  /** Forgets the last state (the tree and tables must not be in use any more). */
  finish(): void {
    // Used tables are replaced, not emptied: setting an array's length is
    // slow in V8, and most states leave them empty.
    if (this.classes.length > 0) this.classes = [];
    this.structured = false;
    this.#context = undefined;
    this.#classIndexes = undefined;
    if (this.#referenceOids.length > 0) {
      this.#referenceOids = [];
      this.#referenceClasses = [];
    }
    this.#referenceIndexes = undefined;
    this.#objectNumbers.clear();
    this.#nextObjectNumber = 0;
  }

  /** The packable tree for `state` (the state itself is never offered to `persistentRef`). */
  encodeState(state: unknown): unknown {
    if (typeof state === 'object' && state !== null) return this.#inlineOrShared(state, 0);
    return this.value(state, 0);
  }

  /** The writer of the reference table: per distinct reference, its oid and class index. */
  referenceTable(): ReferenceTableWriter {
    return new ReferenceTableWriter(this.#referenceOids, this.#referenceClasses);
  }

  /** The packable form of any value at nesting `depth`. */
  value(value: unknown, depth: number): unknown {
    switch (typeof value) {
      case 'string':
        return isWellFormedString(value) ? value : new Utf16StringWriter(value);
      case 'number':
        return value === 0 && 1 / value < 0 ? NEGATIVE_ZERO : value;
      case 'boolean':
      case 'undefined':
        return value;
      case 'bigint':
        return value >= INT64_MIN && value <= UINT64_MAX ? value : new BigIntWriter(value);
      case 'object':
        return value === null ? null : this.#object(value, depth);
      case 'function':
        throw functionFailure(value, this.#registry);
      default:
        throw symbolFailure(value as symbol);
    }
  }

  #object(value: object, depth: number): unknown {
    const ref = (this.#context as EncodeContext).persistentRef(value);
    if (ref !== undefined) return this.#reference(ref);
    return this.#inlineOrShared(value, depth);
  }

  #inlineOrShared(value: object, depth: number): unknown {
    if (value instanceof PersistentReference) return this.#reference(value);
    const number = this.#objectNumbers.get(value);
    if (number !== undefined) {
      this.structured = true;
      return new BackReferenceWriter(number);
    }
    if (depth >= NESTING_DEPTH_MAX) throw depthFailure();
    const newNumber = this.#newObjectNumber();
    this.#objectNumbers.add(value, newNumber);
    return this.#inline(value, depth + 1);
  }

  #newObjectNumber(): number {
    if (this.#nextObjectNumber > RECORD_INDEX_MAX)
      throw limitFailure('inline objects', RECORD_INDEX_MAX);
    return this.#nextObjectNumber++;
  }

  #inline(value: object, depth: number): unknown {
    const prototype: object | null = Object.getPrototypeOf(value);
    if (prototype === Object.prototype) return this.#properties(value as Properties, depth, false);
    if (prototype === Array.prototype) return this.#array(value as unknown[], depth);
    if (prototype === Map.prototype) return this.#map(value as Map<unknown, unknown>, depth);
    if (prototype === Set.prototype) return this.#set(value as Set<unknown>, depth);
    if (prototype === Date.prototype) return new DateWriter((value as Date).getTime());
    const binaryKind = binaryKindOf(prototype);
    if (binaryKind !== undefined) {
      return new BinaryWriter(
        binaryKind,
        binaryBytesOf(value as ArrayBuffer | ArrayBufferView, binaryKind),
      );
    }
    if (prototype === RegExp.prototype) return new RegExpWriter(value as RegExp);
    if (prototype === null)
      return this.#entries(value as Properties, Object.keys(value), 0, [OBJECT_TAG, true], depth);
    if (value instanceof ValueObject) {
      return this.#valueInstance(value.className, () =>
        this.#valueWithSegment(value.state, depth, '.state'),
      );
    }
    return this.#classInstance(value, prototype, depth);
  }

  #reference(ref: PersistentRef): unknown {
    if (
      !Number.isSafeInteger(ref.oid) ||
      ref.oid < 0 ||
      typeof ref.className !== 'string' ||
      ref.className === ''
    ) {
      throw new TypeError(
        `persistentRef returned an invalid reference: oid ${String(ref.oid)}, class ${String(ref.className)}`,
      );
    }
    const classIndex = this.#classIndex(ref.className);
    if (ref.database !== undefined) {
      return new CrossReferenceWriter(ref.oid, classIndex, new TextEncoder().encode(ref.database));
    }
    let index = this.#referenceIndex(ref.oid);
    if (index === undefined) {
      index = this.#referenceOids.length;
      if (index > RECORD_INDEX_MAX) throw limitFailure('distinct references', RECORD_INDEX_MAX);
      if (index === 0) {
        // A literal of one: pushing onto an empty array reserves 17 slots.
        this.#referenceOids = [ref.oid];
        this.#referenceClasses = [classIndex];
      } else {
        this.#referenceOids.push(ref.oid);
        this.#referenceClasses.push(classIndex);
      }
      this.#referenceIndexes?.set(ref.oid, index);
    } else if (this.#referenceClasses[index] !== classIndex) {
      throw new TypeError(
        `persistentRef returned oid ${ref.oid} with class ${ref.className}, ` +
          `after returning it with class ${this.classes[this.#referenceClasses[index]!]}`,
      );
    }
    return referenceWriter(index);
  }

  /** The reference-table index of `oid`, if it is in the table: a scan of a short table, else a Map. */
  #referenceIndex(oid: Oid): number | undefined {
    const oids = this.#referenceOids;
    if (oids.length <= SCANNED_TABLE_ENTRIES_MAX) {
      const index = oids.indexOf(oid);
      return index < 0 ? undefined : index;
    }
    return (this.#referenceIndexes ??= indexesOf(oids)).get(oid);
  }

  #classIndex(name: string): number {
    const classes = this.classes;
    let index: number | undefined;
    if (classes.length <= SCANNED_TABLE_ENTRIES_MAX) {
      index = classes.indexOf(name);
      if (index < 0) index = undefined;
    } else {
      index = (this.#classIndexes ??= indexesOf(classes)).get(name);
    }
    if (index === undefined) {
      index = classes.length;
      if (index >= CLASS_TABLE_ENTRIES_MAX)
        throw limitFailure('class names', CLASS_TABLE_ENTRIES_MAX);
      if (index === 0) this.classes = [name];
      else classes.push(name);
      this.#classIndexes?.set(name, index);
    }
    return index;
  }

  /** A plain object's (or a value-class instance's) own enumerable string-keyed properties. */
  #properties(source: Properties, depth: number, alwaysCopy: boolean): unknown {
    const keys = Object.keys(source);
    if (Object.hasOwn(source, '__proto__'))
      return this.#entries(source, keys, 0, [OBJECT_TAG, false], depth);
    let copy: Properties | undefined = alwaysCopy ? {} : undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (!isWellFormedString(key)) {
        const done: unknown[] = [OBJECT_TAG, false];
        for (const earlier of keys.slice(0, i))
          done.push(earlier, copy === undefined ? source[earlier] : copy[earlier]);
        return this.#entries(source, keys, i, done, depth);
      }
      const item = source[key];
      let encoded: unknown;
      try {
        encoded = this.value(item, depth);
      } catch (error) {
        rethrowWithSegment(error, propertySegment(key));
      }
      if (copy !== undefined) copy[key] = encoded;
      else if (encoded !== item && encoded === encoded) copy = copyPrefix(source, keys, i, encoded);
    }
    return copy ?? source;
  }

  /** `[tag, prototypeIsNull, key, value, ...]` for the keys from `start` on, after `done`. */
  #entries(
    source: Properties,
    keys: string[],
    start: number,
    done: unknown[],
    depth: number,
  ): unknown[] {
    this.structured = true;
    for (let i = start; i < keys.length; i++) {
      const key = keys[i]!;
      try {
        done.push(this.value(key, depth), this.value(source[key], depth));
      } catch (error) {
        rethrowWithSegment(error, propertySegment(key));
      }
    }
    return done;
  }

  #array(source: unknown[], depth: number): unknown[] {
    const length = source.length;
    const plain = plainPrefixLength(source, length);
    if (plain === length) return source;
    let copy: unknown[] | undefined;
    for (let i = plain; i < length; i++) {
      const item = source[i];
      let encoded: unknown;
      try {
        encoded = this.value(item, depth);
      } catch (error) {
        rethrowWithSegment(error, `[${i}]`);
      }
      if (copy !== undefined) copy[i] = encoded;
      else if (encoded !== item && encoded === encoded) {
        // A copy of the whole array (not of the first i items, which would
        // grow as the rest is stored); every later item is overwritten.
        copy = source.slice();
        copy[i] = encoded;
      }
    }
    return copy ?? source;
  }

  #map(source: Map<unknown, unknown>, depth: number): unknown[] {
    this.structured = true;
    const out: unknown[] = [MAP_TAG];
    let position = 0;
    for (const [key, item] of source) {
      try {
        out.push(this.value(key, depth));
      } catch (error) {
        rethrowWithSegment(error, `.keys()[${position}]`);
      }
      try {
        out.push(this.value(item, depth));
      } catch (error) {
        rethrowWithSegment(error, mapValueSegment(key, position));
      }
      position++;
    }
    return out;
  }

  #set(source: Set<unknown>, depth: number): unknown[] {
    this.structured = true;
    const out: unknown[] = [SET_TAG];
    let position = 0;
    for (const item of source) {
      try {
        out.push(this.value(item, depth));
      } catch (error) {
        rethrowWithSegment(error, `.values()[${position}]`);
      }
      position++;
    }
    return out;
  }

  #classInstance(value: object, prototype: object, depth: number): unknown {
    const refusal = builtinFailure(value);
    if (refusal !== undefined) throw refusal;
    const cls = (prototype as { constructor?: unknown }).constructor;
    const exact =
      typeof cls === 'function' && cls.prototype === prototype ? (cls as AnyClass) : undefined;
    const name = exact === undefined ? undefined : this.#registry.nameOf(exact);
    const label = exact?.name || '(anonymous class)';
    if (name === undefined) throw unregisteredFailure(label);
    const getState = (value as { __getstate__?: unknown }).__getstate__;
    if (typeof getState === 'function') {
      return this.#valueInstance(name, () =>
        this.#valueWithSegment(getState.call(value), depth, '.__getstate__()'),
      );
    }
    const slotted = slottedBuiltinOf(value);
    if (slotted !== undefined) throw slottedSubclassFailure(label, name, slotted);
    return this.#valueInstance(name, () => {
      this.#newObjectNumber();
      return this.#properties(value as Properties, depth + 1, true);
    });
  }

  /** `value` encoded at `depth`, with `segment` added to the path of a refusal inside it. */
  #valueWithSegment(value: unknown, depth: number, segment: string): unknown {
    try {
      return this.value(value, depth);
    } catch (error) {
      rethrowWithSegment(error, segment);
    }
  }

  /** `[tag, classIndex, state]`; the class index is taken before the state is walked. */
  #valueInstance(name: string, encodeState: () => unknown): unknown[] {
    this.structured = true;
    const classIndex = this.#classIndex(name);
    return [VALUE_TAG, classIndex, encodeState()];
  }
}

/**
 * How many items at the start of `source` are strings UTF-8 carries or
 * numbers other than -0: values {@link StateEncoder.value} returns as they
 * are, which msgpackr packs as FORMAT.md says (bucket states are arrays of
 * nothing else, so most arrays are checked by this loop alone).
 */
function plainPrefixLength(source: unknown[], length: number): number {
  let i = 0;
  for (; i < length; i++) {
    const item = source[i];
    if (typeof item === 'string') {
      if (!isWellFormedString(item)) break;
    } else if (typeof item !== 'number' || (item === 0 && 1 / item < 0)) break;
  }
  return i;
}

/**
 * Entries of the class and reference tables found by a scan before a Map
 * indexes them: most records name a few classes and reference a few objects
 * (a bucket: one), for which a scan is faster than a Map, and allocates
 * nothing.
 */
const SCANNED_TABLE_ENTRIES_MAX = 16;

/** A Map from each entry of `table` to its index. */
function indexesOf<T>(table: readonly T[]): Map<T, number> {
  const indexes = new Map<T, number>();
  for (let i = 0; i < table.length; i++) indexes.set(table[i]!, i);
  return indexes;
}

/** A copy of `source` holding its first `count` properties unchanged, then `encoded` under key `count`. */
function copyPrefix(
  source: Properties,
  keys: string[],
  count: number,
  encoded: unknown,
): Properties {
  const copy: Properties = {};
  for (let j = 0; j < count; j++) copy[keys[j]!] = source[keys[j]!];
  copy[keys[count]!] = encoded;
  return copy;
}

function slottedBuiltinOf(value: object): string | undefined {
  if (Array.isArray(value)) return 'Array';
  if (ArrayBuffer.isView(value)) return 'a typed array';
  for (const [cls, name] of SLOTTED_BUILTINS) if (value instanceof cls) return name;
  return undefined;
}
