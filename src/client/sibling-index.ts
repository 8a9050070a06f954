/**
 * Sibling prefetch on a cache miss: the reference lists of a few recently
 * loaded records that refer to more objects than a load reply brings as
 * neighbours (a large `PersistentMapping`, a BTree bucket). When a load
 * misses on an object listed in one of them, the client asks, in the same
 * round trip, for the next uncached objects of that list, which a reader
 * walking the container is about to want.
 *
 * Memory is bounded: at most {@link SIBLING_RECORDS_MAX} lists are kept,
 * the least recently remembered dropped first.
 *
 * @internal
 * @module
 */

import type { Oid } from '../ids.js';
import { referencesOf } from '../serialize/record-header.js';

/** How many records' reference lists are kept. */
export const SIBLING_RECORDS_MAX = 8;

/** One remembered record: its references in order, and each one's position. */
interface ReferenceList {
  readonly references: readonly Oid[];
  readonly positions: ReadonlyMap<Oid, number>;
}

/** The reference lists of the last few large records loaded from the server. */
export class SiblingIndex {
  /** Keyed by the record's oid; Map order is the age order (oldest first). */
  private readonly lists = new Map<Oid, ReferenceList>();

  /**
   * Remembers the references of record `oid` when it has more than
   * `fetched` of them (the neighbours the load reply already brought).
   * Unreadable headers are ignored: the prefetch is only a hint.
   */
  remember(oid: Oid, data: Uint8Array, fetched: number): void {
    let references: Oid[];
    try {
      references = referencesOf(data);
    } catch {
      return;
    }
    this.lists.delete(oid);
    if (references.length <= fetched) return;
    const positions = new Map<Oid, number>();
    references.forEach((ref, i) => {
      if (!positions.has(ref)) positions.set(ref, i);
    });
    this.lists.set(oid, { references, positions });
    for (const old of this.lists.keys()) {
      if (this.lists.size <= SIBLING_RECORDS_MAX) break;
      this.lists.delete(old);
    }
  }

  /**
   * Up to `count` oids listed after `oid` in the newest remembered list that
   * has it, skipping those `skip` accepts (cached or already asked for);
   * empty when no remembered list has `oid`.
   */
  siblingsAfter(oid: Oid, count: number, skip: (oid: Oid) => boolean): Oid[] {
    const siblings: Oid[] = [];
    if (count <= 0) return siblings;
    const list = this.listHaving(oid);
    if (list === undefined) return siblings;
    const { references } = list;
    const seen = new Set<Oid>([oid]);
    for (let i = list.positions.get(oid)! + 1; i < references.length; i++) {
      const ref = references[i]!;
      if (seen.has(ref) || skip(ref)) continue;
      seen.add(ref);
      siblings.push(ref);
      if (siblings.length >= count) break;
    }
    return siblings;
  }

  /** Forgets every list (the cache was dropped). */
  clear(): void {
    this.lists.clear();
  }

  private listHaving(oid: Oid): ReferenceList | undefined {
    let found: ReferenceList | undefined;
    for (const list of this.lists.values()) {
      if (list.positions.has(oid)) found = list;
    }
    return found;
  }
}
