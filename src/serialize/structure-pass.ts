/**
 * The structure pass of decoding, run on records flagged structured: turns
 * tagged arrays into Maps, Sets, value-class instances and special objects,
 * back-references into the objects they number, and reference markers into
 * the caller's objects. Containers from msgpackr are fixed up in place.
 *
 * Objects are numbered in the order the encoder numbered them: depth-first
 * pre-order, a container before its contents (FORMAT.md, "Structures").
 *
 * @module
 */

import type { AnyClass } from './class-registry.js';
import { MalformedRecord, callCaller } from './decode-failures.js';
import {
  DecodedBackReference,
  DecodedCrossReference,
  DecodedReference,
  DecodedTag,
} from './ext-readers.js';
import type { DecodeRun } from './ext-readers.js';
import { TagKind } from './format.js';
import { NESTING_DEPTH_MAX } from './limits.js';
import { ValueObject, fillValueObjectState } from './value-object.js';

/** Finds the class of a value-class instance; undefined keeps it a {@link ValueObject}. */
export type ValueClassLookup = (className: string) => AnyClass | undefined;

/** What the pass needs besides the tree. */
export interface StructureSources extends DecodeRun {
  /** The class table entry `index`. */
  classNameAt(index: number): string;
  readonly valueClass: ValueClassLookup;
}

type Properties = Record<string, unknown>;

/** One pass over one state. */
export class StructurePass {
  readonly #sources: StructureSources;
  readonly #objects: unknown[] = [];

  constructor(sources: StructureSources) {
    this.#sources = sources;
  }

  /** The final value for the decoded `value` at nesting `depth`. */
  value(value: unknown, depth: number): unknown {
    if (typeof value !== 'object' || value === null) return value;
    if (value instanceof DecodedReference) return this.#sources.resolveReference(value.index);
    if (value instanceof DecodedCrossReference) {
      return this.#sources.resolveCrossReference(value.oid, value.classIndex, value.database);
    }
    if (value instanceof DecodedBackReference) return this.#backReference(value.id);
    if (value instanceof DecodedTag)
      throw new MalformedRecord('a structure tag outside the first element of an array');
    if (depth > NESTING_DEPTH_MAX)
      throw new MalformedRecord(`containers nested deeper than ${NESTING_DEPTH_MAX} levels`);
    if (Array.isArray(value)) {
      const first: unknown = value[0];
      if (first instanceof DecodedTag) return this.#tagged(value, first.kind, depth + 1);
      this.#objects.push(value);
      for (let i = 0; i < value.length; i++) value[i] = this.#child(value[i], depth + 1);
      return value;
    }
    this.#objects.push(value);
    if (Object.getPrototypeOf(value) === Object.prototype) {
      const properties = value as Properties;
      for (const key of Object.keys(properties))
        properties[key] = this.#child(properties[key], depth + 1);
    }
    return value;
  }

  #child(value: unknown, depth: number): unknown {
    return typeof value === 'object' && value !== null ? this.value(value, depth) : value;
  }

  #backReference(id: number): unknown {
    if (id >= this.#objects.length) {
      throw new MalformedRecord(
        `back-reference to object #${id}, but only ${this.#objects.length} came before it`,
      );
    }
    return this.#objects[id];
  }

  #tagged(items: unknown[], kind: number, depth: number): unknown {
    switch (kind) {
      case TagKind.map:
        return this.#map(items, depth);
      case TagKind.set: {
        const set = new Set<unknown>();
        this.#objects.push(set);
        for (let i = 1; i < items.length; i++) set.add(this.#child(items[i], depth));
        return set;
      }
      case TagKind.value:
        return this.#valueInstance(items, depth);
      default:
        return this.#object(items, depth);
    }
  }

  #map(items: unknown[], depth: number): Map<unknown, unknown> {
    if (items.length % 2 !== 1) throw new MalformedRecord('a Map with a key but no value');
    const map = new Map<unknown, unknown>();
    this.#objects.push(map);
    for (let i = 1; i < items.length; i += 2) {
      const key = this.#child(items[i], depth);
      map.set(key, this.#child(items[i + 1], depth));
    }
    return map;
  }

  #object(items: unknown[], depth: number): object {
    const nullPrototype = items[1];
    if (typeof nullPrototype !== 'boolean' || items.length % 2 !== 0) {
      throw new MalformedRecord('a tagged object is not [tag, prototypeIsNull, key, value, ...]');
    }
    const target: Properties = nullPrototype ? (Object.create(null) as Properties) : {};
    this.#objects.push(target);
    for (let i = 2; i < items.length; i += 2) {
      const key = items[i];
      if (typeof key !== 'string')
        throw new MalformedRecord(`a tagged object has a ${typeof key} key`);
      defineProperty(target, key, this.#child(items[i + 1], depth));
    }
    return target;
  }

  #valueInstance(items: unknown[], depth: number): object {
    const classIndex = items[1];
    if (items.length !== 3 || typeof classIndex !== 'number') {
      throw new MalformedRecord('a value object is not [tag, classIndex, state]');
    }
    const className = this.#sources.classNameAt(classIndex);
    const cls = this.#sources.valueClass(className);
    if (cls === undefined) {
      const generic = new ValueObject(className, undefined);
      this.#objects.push(generic);
      fillValueObjectState(generic, this.#child(items[2], depth));
      return generic;
    }
    const instance = Object.create(cls.prototype as object) as Properties;
    this.#objects.push(instance);
    restoreState(instance, className, this.#child(items[2], depth));
    return instance;
  }
}

/** Sets `key` on `target` as an own data property, even when the key is `__proto__`. */
function defineProperty(target: Properties, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

/** Gives a fresh instance its state: `__setstate__(state)` when defined, else the state's properties. */
function restoreState(instance: Properties, className: string, state: unknown): void {
  const setState = instance['__setstate__'];
  if (typeof setState === 'function') {
    callCaller(() => setState.call(instance, state));
    return;
  }
  if (typeof state !== 'object' || state === null) {
    throw new MalformedRecord(
      `the state of value class "${className}" is ${state === null ? 'null' : `a ${typeof state}`}, ` +
        'and the class has no __setstate__ to accept it',
    );
  }
  for (const key of Object.keys(state)) defineProperty(instance, key, (state as Properties)[key]);
}
