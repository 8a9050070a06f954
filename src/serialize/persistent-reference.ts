/**
 * {@link PersistentReference}: a persistent reference seen without the
 * application's classes.
 *
 * @module
 */

import type { Oid } from '../ids.js';
import { oidRepr } from '../ids.js';
import type { PersistentRef } from './interfaces.js';

/**
 * A reference to a persistent object, as decoded without the application's
 * classes (by tools, the web browser and server-side conflict resolution).
 *
 * Equality follows ZODB: two references are equal when they name the same
 * object (same oid, same database), whatever class name they carry; use
 * {@link PersistentReference.equals}, since `===` compares identity. Ordering
 * comparisons are not supported: `<`, `>`, arithmetic and loose equality
 * with primitives throw a TypeError instead of comparing meaningless values.
 *
 * Storing a PersistentReference in a state with `encodeRecord` writes the
 * reference back exactly as it was read.
 */
export class PersistentReference implements PersistentRef {
  /** Oid of the referenced object in its database. */
  readonly oid: Oid;
  /** Registered class name of the referenced object, as recorded by the writer. */
  readonly className: string;
  /** Database name of a cross-database reference; undefined for this database. */
  readonly database: string | undefined;

  constructor(oid: Oid, className: string, database?: string) {
    this.oid = oid;
    this.className = className;
    this.database = database;
  }

  /** Whether `other` refers to the same persistent object (same oid and database). */
  equals(other: unknown): boolean {
    return (
      other instanceof PersistentReference &&
      other.oid === this.oid &&
      other.database === this.database
    );
  }

  /** `PersistentReference(0x…, app.Book)` or with `@database` for a cross-database reference. */
  toString(): string {
    const where = this.database === undefined ? '' : `@${this.database}`;
    return `PersistentReference(${oidRepr(this.oid)}${where}, ${this.className})`;
  }

  /**
   * Refuses numeric and default conversion, so ordering comparisons throw
   * (ZODB: "can't order persistent references").
   */
  [Symbol.toPrimitive](hint: string): string {
    if (hint === 'string') return this.toString();
    throw new TypeError(
      `${this.toString()} cannot be ordered or converted to a ${hint === 'number' ? 'number' : 'primitive'}; ` +
        'compare references with equals()',
    );
  }
}
