/**
 * Test doubles for the serializer's callers: a stand-in persistent class and
 * encode/decode contexts that record what the serializer asked for.
 */

import type { DecodeContext, EncodeContext, PersistentRef } from '../../../src/serialize/index.js';
import { ClassRegistry } from '../../../src/serialize/index.js';

/** A stand-in for a persistent object: the contexts below store it by reference. */
export class FakePersistent {
  constructor(
    readonly oid: number,
    readonly className = 'test.Node',
    readonly database?: string,
  ) {}
}

/** What decoding turns a reference into. */
export class Ghost {
  constructor(readonly ref: PersistentRef) {}
}

/** An encode context storing every FakePersistent as a reference, and logging the calls. */
export function encodeContext(registry?: ClassRegistry): EncodeContext & { offered: object[] } {
  const offered: object[] = [];
  return {
    offered,
    registry: registry ?? new ClassRegistry(),
    persistentRef(value: object): PersistentRef | undefined {
      offered.push(value);
      if (!(value instanceof FakePersistent)) return undefined;
      return value.database === undefined
        ? { oid: value.oid, className: value.className }
        : { oid: value.oid, className: value.className, database: value.database };
    },
  };
}

/** A decode context making one Ghost per distinct (database, oid), and logging the calls. */
export function decodeContext(
  registry?: ClassRegistry,
): DecodeContext & { resolved: PersistentRef[] } {
  const resolved: PersistentRef[] = [];
  const ghosts = new Map<string, Ghost>();
  return {
    resolved,
    registry: registry ?? new ClassRegistry(),
    resolveRef(ref: PersistentRef): object {
      resolved.push(ref);
      const key = `${ref.database ?? ''}/${ref.oid}`;
      let ghost = ghosts.get(key);
      if (ghost === undefined) ghosts.set(key, (ghost = new Ghost(ref)));
      return ghost;
    },
  };
}
