/**
 * {@link openToolDatabase}: a read-side database for tools, which loads
 * objects of the library's own classes (BTrees, PersistentMapping, ...)
 * while every class the process does not know (the application's) loads
 * as a stand-in instead of failing with UnknownClassError. Tools walk
 * library structures; they never need to understand application objects.
 *
 * @module
 */

import { DB } from '../connection/db.js';
import { Persistent } from '../persistent/persistent.js';
import { ClassRegistry, defaultRegistry } from '../serialize/class-registry.js';
import type { AnyClass } from '../serialize/class-registry.js';
import type { Storage } from '../storage/interfaces.js';
import type { Oid } from '../ids.js';
import { UnknownClassError } from '../errors.js';

/**
 * The stand-in for a persistent object of a class this process does not
 * know (ZODB's "broken" objects). Its state, if it is ever loaded, is kept
 * as it was decoded in `__state__`.
 */
export class UnknownPersistentObject extends Persistent {
  /** The decoded state. */
  __state__: unknown;

  override __setstate__(state: unknown): void {
    this.__state__ = state;
  }
}

/** The stand-in for an inline value of a class this process does not know. */
export class UnknownValueObject {
  /** The decoded state. */
  state: unknown;

  /** Keeps the decoded state. */
  __setstate__(state: unknown): void {
    this.state = state;
  }
}

/** Resolves names through the default registry, with stand-ins for the unknown ones. */
class ToolRegistry extends ClassRegistry {
  override classFor(name: string): AnyClass | undefined {
    return defaultRegistry.classFor(name) ?? UnknownValueObject;
  }
}

/** A database whose unknown persistent classes load as {@link UnknownPersistentObject}. */
class ToolDatabase extends DB {
  override persistentClassFor(className: string, oid: Oid): typeof Persistent {
    try {
      return super.persistentClassFor(className, oid);
    } catch (error) {
      if (error instanceof UnknownClassError) return UnknownPersistentObject;
      throw error;
    }
  }
}

/**
 * A database over `storage` for tools (see the module comment). Closing it
 * closes the storage. Read through it, and use its storage-level operations
 * (undo, pack); never store objects through it: a stand-in does not know
 * the class name to write back.
 */
export function openToolDatabase(storage: Storage): DB {
  return new ToolDatabase(storage, { registry: new ToolRegistry(), cacheSize: 1000 });
}
