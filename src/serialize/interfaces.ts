/**
 * The serializer's contract with the layer that drives it (the connection).
 *
 * The serializer never imports the persistent, connection or storage layers.
 * It learns which values are persistent objects, and turns stored references
 * back into objects, only through the callbacks below.
 *
 * Encoding lifecycle, for one record:
 * 1. `encodeRecord(className, state, ctx)` walks the state depth first.
 * 2. For every object value met inside the state (not the state itself),
 *    `ctx.persistentRef(value)` is called first. A returned
 *    {@link PersistentRef} is stored instead of the object's contents; the
 *    walk does not enter the object.
 * 3. Other values are checked and stored inline; a refused value throws
 *    `UnstorableValueError` and nothing is written.
 *
 * Decoding lifecycle: `decodeRecord(data, ctx)` reads the header, then calls
 * `ctx.resolveRef(ref)` once per distinct referenced object of this database
 * (and once per occurrence of a cross-database reference), and places the
 * returned object (typically a ghost) in the state.
 *
 * @module
 */

import type { Oid } from '../ids.js';
import type { ClassRegistry } from './class-registry.js';

/** A reference to a persistent object as the writer sees it. */
export interface PersistentRef {
  /** The referenced object's oid in its database. */
  oid: Oid;
  /** The registered name of its class, so a ghost of the right class can be made without a load. */
  className: string;
  /** The database name for a cross-database reference; undefined for this database. */
  database?: string | undefined;
}

/** What {@link encodeRecord} needs from its caller. */
export interface EncodeContext {
  /**
   * Called for every object (non-primitive) value met while walking the state
   * (before any other check). Return a PersistentRef to store a reference
   * instead of the object's contents (the connection assigns oids to new
   * persistent objects here), or undefined to encode the value inline.
   * Not called for the state itself. Errors it throws propagate unchanged.
   * The encoder reads the returned reference before its next call and never
   * keeps it, so an implementation may return one reused object.
   */
  persistentRef(value: object): PersistentRef | undefined;
  /** Registry for value classes (defaults to defaultRegistry). */
  registry?: ClassRegistry;
}

/** What {@link decodeRecord} needs from its caller. */
export interface DecodeContext {
  /**
   * Turns a stored reference into the object to put in the state (a ghost).
   * Errors it throws propagate unchanged.
   */
  resolveRef(ref: PersistentRef): object;
  /** Registry for value classes (defaults to defaultRegistry). */
  registry?: ClassRegistry;
}

/** A record's class name and references, read without decoding its state. */
export interface RecordHeader {
  /** The registered name of the record's class. */
  className: string;
  /** Oids of the persistent objects of this database the state refers to, each once, in order of first use. */
  references: Oid[];
}
