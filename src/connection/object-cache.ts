/**
 * The per-connection object cache (ZODB's pickle cache).
 *
 * - Every object the connection handed out is reachable by oid through a
 *   `WeakRef`, so a ghost that nothing else uses can be reclaimed by the JS
 *   garbage collector, and one oid never has two objects in a connection.
 * - Non-ghost objects are also held strongly in `active`, and are ghosted in
 *   least-recently-used order by {@link ObjectCache.gc} until both the
 *   object-count and the byte-size target are met (each limit works alone;
 *   0 turns a limit off). Changed objects are never ghosted.
 *
 * @module
 */

import type { Oid } from '../ids.js';
import type { PersistentObject } from '../persistent/interfaces.js';
import { CHANGED, GHOST } from '../persistent/interfaces.js';
import { ghostify, slotOf } from '../persistent/slot.js';

/** Cache statistics, with ZODB's meanings. */
export interface CacheStats {
  /** Objects reachable by oid (ghosts included, not yet collected). */
  size: number;
  /** Non-ghost objects. */
  nonGhostCount: number;
  /** Sum of the estimated sizes of non-ghost objects, in bytes. */
  estimatedBytes: number;
}

/** The object cache of one connection. */
export class ObjectCache {
  /** Target number of non-ghost objects (0: no count limit). */
  targetCount: number;
  /** Target estimated bytes of non-ghost objects (0: no byte limit). */
  targetBytes: number;

  private readonly byOid = new Map<Oid, WeakRef<PersistentObject>>();
  private readonly active = new Set<PersistentObject>();
  private activeBytes = 0;
  private readonly registry = new FinalizationRegistry<Oid>((oid) => {
    const ref = this.byOid.get(oid);
    if (ref !== undefined && ref.deref() === undefined) this.byOid.delete(oid);
  });

  constructor(targetCount: number, targetBytes: number) {
    this.targetCount = targetCount;
    this.targetBytes = targetBytes;
  }

  /** The object with this oid, if the connection still has it. */
  get(oid: Oid): PersistentObject | undefined {
    return this.byOid.get(oid)?.deref();
  }

  /** Adds an object (ghost or not) under its oid. */
  set(oid: Oid, obj: PersistentObject): void {
    const existing = this.get(oid);
    if (existing !== undefined && existing !== obj) {
      throw new Error(`assertion failed: two objects for oid ${oid} in one cache`);
    }
    if (existing === undefined) {
      this.byOid.set(oid, new WeakRef(obj));
      this.registry.register(obj, oid);
    }
    if (slotOf(obj).state !== GHOST) this.activated(obj);
  }

  /** Forgets an object (an added object whose transaction aborted). */
  delete(oid: Oid): void {
    const obj = this.get(oid);
    this.byOid.delete(oid);
    if (obj !== undefined && this.active.delete(obj)) this.activeBytes -= slotOf(obj).estimatedSize;
  }

  /** Records that an object now has its state in memory. */
  activated(obj: PersistentObject): void {
    if (!this.active.has(obj)) {
      this.active.add(obj);
      this.activeBytes += slotOf(obj).estimatedSize;
    }
  }

  /** True when the non-ghost objects exceed a target by `factor`. */
  overTarget(factor = 1): boolean {
    return (
      (this.targetCount > 0 && this.active.size > this.targetCount * factor) ||
      (this.targetBytes > 0 && this.activeBytes > this.targetBytes * factor)
    );
  }

  /**
   * Ghosts least-recently-used unchanged objects until both targets are met
   * (ZODB's `incrgc`). Returns how many objects were ghosted.
   */
  gc(): number {
    // The object count only over-counts (objects ghosted behind our back),
    // so a cache under its count target needs no sweep.
    // Byte sizes change after activation (a new object's size is known at
    // commit), so a byte limit always recounts.
    if (this.targetBytes === 0 && !this.overTarget()) return 0;
    this.dropGhosts();
    if (!this.overTarget()) return 0;
    const candidates: PersistentObject[] = [];
    for (const obj of this.active) if (slotOf(obj).state !== CHANGED) candidates.push(obj);
    candidates.sort((a, b) => slotOf(a).accessed - slotOf(b).accessed);
    let ghosted = 0;
    for (const obj of candidates) {
      if (!this.overTarget()) break;
      this.ghost(obj);
      ghosted++;
    }
    return ghosted;
  }

  /** Ghosts every unchanged object (ZODB's `minimize`/`full_sweep`). */
  minimize(): number {
    let ghosted = 0;
    for (const obj of [...this.active]) {
      if (slotOf(obj).state !== CHANGED) {
        this.ghost(obj);
        ghosted++;
      }
    }
    return ghosted;
  }

  /** Ghosts the objects with these oids, even if changed. */
  invalidate(oid: Oid): void {
    const obj = this.get(oid);
    if (obj !== undefined) this.ghost(obj);
  }

  /** Ghosts every object, changed or not (the storage asked for a full flush). */
  invalidateAll(): void {
    for (const obj of [...this.active]) this.ghost(obj);
  }

  /** Every non-ghost object. */
  activeObjects(): IterableIterator<PersistentObject> {
    return this.active.values();
  }

  /** Every object still reachable by oid. */
  *objects(): IterableIterator<PersistentObject> {
    for (const ref of this.byOid.values()) {
      const obj = ref.deref();
      if (obj !== undefined) yield obj;
    }
  }

  stats(): CacheStats {
    this.dropGhosts();
    return {
      size: this.byOid.size,
      nonGhostCount: this.active.size,
      estimatedBytes: this.activeBytes,
    };
  }

  private ghost(obj: PersistentObject): void {
    const slot = slotOf(obj);
    if (slot.state !== GHOST) ghostify(slot);
    if (this.active.delete(obj)) this.activeBytes -= slot.estimatedSize;
  }

  /** Removes objects ghosted behind the cache's back (`_p_deactivate()`) from `active`. */
  private dropGhosts(): void {
    let bytes = 0;
    for (const obj of this.active) {
      const slot = slotOf(obj);
      if (slot.state === GHOST) this.active.delete(obj);
      else bytes += slot.estimatedSize;
    }
    this.activeBytes = bytes;
  }
}
