/**
 * The client cache: revisions of objects, kept in memory, bounded in bytes
 * and evicted least-recently-used by object.
 *
 * A revision is `(oid, serial, end, data)`: the data `oid` had from
 * transaction `serial` until (not including) `end`; `end === null` means
 * "still current at the last transaction this client knows". The rules
 * (PROTOCOL.md, "Client-side rules"):
 *
 * - `invalidate(T, oids)` ends every open revision of those oids whose serial
 *   is below `T` at `T`.
 * - A lookup for snapshot `at` hits the newest revision with `serial <= at`
 *   when `end === null` (and `at` is not beyond the last known transaction)
 *   or `at < end`.
 *
 * @module
 */

import type { Oid, Tid } from '../ids.js';
import { CACHE_REVISION_OVERHEAD_BYTES } from './limits.js';

/** One cached revision. `data === null` is a deletion revision. */
export interface CachedRevision {
  readonly oid: Oid;
  readonly serial: Tid;
  end: Tid | null;
  readonly data: Uint8Array | null;
  /**
   * True for a revision the server sent unasked-for (a load's neighbour, a
   * prefetch) that no lookup has returned yet: its first reader may look at
   * its references (sibling prefetch).
   */
  unread: boolean;
}

/** Counters of a {@link ClientCache}. */
export interface ClientCacheStats {
  /** Lookups answered from the cache. */
  readonly hits: number;
  /** Lookups the cache could not answer. */
  readonly misses: number;
  /** Cached revisions. */
  readonly revisions: number;
  /** Bytes the cached revisions account for (data plus a fixed overhead each). */
  readonly bytes: number;
  /** The size limit in bytes. */
  readonly bytesMax: number;
}

function costOf(data: Uint8Array | null): number {
  return (data?.byteLength ?? 0) + CACHE_REVISION_OVERHEAD_BYTES;
}

/** An LRU cache of object revisions, bounded by bytes. */
export class ClientCache {
  /** Revisions per oid, newest serial first; Map order is the LRU order (oldest first). */
  private readonly objects = new Map<Oid, CachedRevision[]>();
  private bytes = 0;
  private revisionCount = 0;
  private hits = 0;
  private misses = 0;
  /** The last transaction whose invalidations the cache has received. */
  lastTid: Tid;

  /**
   * @param bytesMax the size limit in bytes (0 disables caching)
   * @param lastTid the last transaction the (empty or loaded) cache is current at
   */
  constructor(
    readonly bytesMax: number,
    lastTid: Tid,
  ) {
    this.lastTid = lastTid;
  }

  /** The revision of `oid` current at `at`, or undefined when the cache cannot tell. */
  lookup(oid: Oid, at: Tid): CachedRevision | undefined {
    const revisions = this.objects.get(oid);
    const found = revisions === undefined ? undefined : this.find(revisions, at);
    if (found === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.objects.delete(oid);
    this.objects.set(oid, revisions!);
    return found;
  }

  /** Whether a lookup of `oid` at `at` would hit (no statistics, no LRU update). */
  has(oid: Oid, at: Tid): boolean {
    const revisions = this.objects.get(oid);
    return revisions !== undefined && this.find(revisions, at) !== undefined;
  }

  /** The cached revision of `oid` written by `serial`, if any (no statistics). */
  revision(oid: Oid, serial: Tid): CachedRevision | undefined {
    return this.objects.get(oid)?.find((r) => r.serial === serial);
  }

  private find(revisions: readonly CachedRevision[], at: Tid): CachedRevision | undefined {
    for (const revision of revisions) {
      if (revision.serial > at) continue;
      if (revision.end === null) return at <= this.lastTid ? revision : undefined;
      return at < revision.end ? revision : undefined;
    }
    return undefined;
  }

  /**
   * Adds a revision learned from the server. A revision already cached is
   * completed (its `end` filled in) rather than duplicated. `unread` marks
   * a revision nobody asked for yet (see {@link CachedRevision.unread}).
   */
  store(oid: Oid, serial: Tid, end: Tid | null, data: Uint8Array | null, unread = false): void {
    if (this.bytesMax <= 0) return;
    const revision: CachedRevision = { oid, serial, end, data, unread };
    const revisions = this.objects.get(oid);
    if (revisions === undefined) {
      this.objects.set(oid, [revision]); // the common case: an object new to the cache
    } else {
      this.objects.delete(oid);
      const existing = revisions.find((r) => r.serial === serial);
      if (existing !== undefined) {
        if (existing.end === null && end !== null) existing.end = end;
        this.objects.set(oid, revisions);
        return;
      }
      const index = revisions.findIndex((r) => r.serial < serial);
      revisions.splice(index === -1 ? revisions.length : index, 0, revision);
      this.objects.set(oid, revisions);
    }
    this.bytes += costOf(data);
    this.revisionCount++;
    if (this.bytes > this.bytesMax) this.evict();
  }

  /** Applies a committed transaction: ends the open revisions of `oids` older than `tid`. */
  invalidate(tid: Tid, oids: readonly Oid[]): void {
    for (const oid of oids) {
      const revisions = this.objects.get(oid);
      if (revisions === undefined) continue;
      for (const revision of revisions) {
        if (revision.end === null && revision.serial < tid) revision.end = tid;
      }
    }
    if (tid > this.lastTid) this.lastTid = tid;
  }

  /** Forgets everything (a cache that could not be verified); `lastTid` becomes `tid`. */
  clear(lastTid: Tid): void {
    this.objects.clear();
    this.bytes = 0;
    this.revisionCount = 0;
    this.lastTid = lastTid;
  }

  /** Every cached revision, least recently used first (for the persistent cache file). */
  *revisions(): IterableIterator<CachedRevision> {
    for (const revisions of this.objects.values()) yield* revisions;
  }

  /** The cache's counters. */
  stats(): ClientCacheStats {
    return {
      hits: this.hits,
      misses: this.misses,
      revisions: this.revisionCount,
      bytes: this.bytes,
      bytesMax: this.bytesMax,
    };
  }

  private evict(): void {
    for (const [oid, revisions] of this.objects) {
      if (this.bytes <= this.bytesMax) return;
      this.objects.delete(oid);
      for (const revision of revisions) this.bytes -= costOf(revision.data);
      this.revisionCount -= revisions.length;
    }
  }
}
