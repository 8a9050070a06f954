/**
 * Refusals at encode time: what cannot be stored, where it was met, and the
 * fix, turned into an `UnstorableValueError` such as
 * `cannot store an instance of class Owner at Account.history[3].owner: ...`.
 *
 * The walk throws an {@link UnstorableFailure} at the offending value; each
 * level it unwinds through adds its path segment, so the hot path keeps no
 * path bookkeeping at all.
 *
 * @module
 */

import { UnstorableValueError } from '../errors.js';
import type { ClassRegistry } from './class-registry.js';
import { NESTING_DEPTH_MAX } from './limits.js';

/** A refusal on its way up the walk, collecting path segments (innermost first). */
export class UnstorableFailure {
  readonly segments: string[] = [];
  constructor(
    readonly what: string,
    readonly fix: string,
  ) {}

  /** The public error for a record of class `className`. */
  toError(className: string): UnstorableValueError {
    const path = [...this.segments].reverse().join('').replace(/^\./, '');
    const at =
      path === ''
        ? `${className} (the state itself)`
        : /^\[/.test(path)
          ? className + path
          : `${className}.${path}`;
    return new UnstorableValueError(
      `cannot store ${this.what} at ${at}: ${this.fix}`,
      path,
      className,
    );
  }
}

/** Adds `segment` to a failure passing through a container, then rethrows whatever `error` is. */
export function rethrowWithSegment(error: unknown, segment: string): never {
  if (error instanceof UnstorableFailure) error.segments.push(segment);
  throw error;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `.name` or `["odd key"]`. */
export function propertySegment(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** `.get("key")`, `.get(42)` or `.get(<object key #2>)` for the value of a Map entry. */
export function mapValueSegment(key: unknown, position: number): string {
  if (typeof key === 'string') return `.get(${JSON.stringify(key)})`;
  if (typeof key === 'number' || typeof key === 'boolean' || key === null || key === undefined) {
    return `.get(${String(key)})`;
  }
  if (typeof key === 'bigint') return `.get(${key}n)`;
  return `.get(<key #${position}>)`;
}

function nameOf(value: { name?: unknown }): string {
  return typeof value.name === 'string' && value.name !== '' ? value.name : '(anonymous)';
}

function isClassObject(value: object, registry: ClassRegistry): boolean {
  if (registry.nameOf(value as abstract new () => object) !== undefined) return true;
  return /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/** The refusal of a function or class object. */
export function functionFailure(
  value: object & { name?: unknown },
  registry: ClassRegistry,
): UnstorableFailure {
  if (isClassObject(value, registry)) {
    return new UnstorableFailure(
      `the class ${nameOf(value)} itself`,
      "classes are not stored; store an instance, or the class's registered name as a string",
    );
  }
  return new UnstorableFailure(
    `a function (${nameOf(value)})`,
    'functions are code, not data; store data, and keep behaviour in the methods of a registered class',
  );
}

/** The refusal of a symbol value (symbol-keyed properties are skipped, not refused). */
export function symbolFailure(value: symbol): UnstorableFailure {
  return new UnstorableFailure(
    value.description ? `a symbol (${value.description})` : 'a symbol',
    'symbols have no identity outside this process; store a string instead',
  );
}

const UNSTORABLE_BUILTINS: readonly [abstract new (...args: never[]) => object, string, string][] =
  [
    [
      WeakMap,
      'a WeakMap',
      'weak collections cannot be enumerated and their entries may vanish; use a Map',
    ],
    [
      WeakSet,
      'a WeakSet',
      'weak collections cannot be enumerated and their entries may vanish; use a Set',
    ],
    [WeakRef, 'a WeakRef', 'a weak reference may vanish; store the object itself'],
    [
      FinalizationRegistry,
      'a FinalizationRegistry',
      'it holds callbacks, not data; keep it out of persistent state',
    ],
    [Promise, 'a Promise', 'a pending result is not data; await it and store the result'],
    [
      SharedArrayBuffer,
      'a SharedArrayBuffer',
      'shared memory cannot be stored; copy it into an ArrayBuffer',
    ],
  ];

/** The refusal of a built-in that holds no storable data (WeakMap, Promise, ...), or undefined. */
export function builtinFailure(value: object): UnstorableFailure | undefined {
  for (const [cls, what, fix] of UNSTORABLE_BUILTINS) {
    if (value instanceof cls) return new UnstorableFailure(what, fix);
  }
  return undefined;
}

/** The refusal of an instance of a class that is not registered. */
export function unregisteredFailure(className: string): UnstorableFailure {
  return new UnstorableFailure(
    `an instance of class ${className}`,
    `class ${className} is not registered: call registerClass(${className}, 'some.stable.Name') ` +
      `or decorate it with @register(...)`,
  );
}

/** The refusal of a registered class extending a built-in whose contents are not own properties. */
export function slottedSubclassFailure(
  className: string,
  name: string,
  builtin: string,
): UnstorableFailure {
  return new UnstorableFailure(
    `an instance of class ${className} (registered as "${name}")`,
    `it extends ${builtin}, whose contents are not own properties; define __getstate__() and ` +
      `__setstate__(state), or keep a ${builtin} in a property instead of extending it`,
  );
}

/** The refusal of a state nested too deeply. */
export function depthFailure(): UnstorableFailure {
  return new UnstorableFailure(
    `a value nested deeper than ${NESTING_DEPTH_MAX} levels`,
    'split the structure into persistent objects (each is a record of its own)',
  );
}

/** The refusal of a record exceeding one of the format's table limits. */
export function limitFailure(what: string, limit: number): UnstorableFailure {
  return new UnstorableFailure(
    `a value that would take the record past ${limit} ${what}`,
    'split the state into several persistent objects',
  );
}
