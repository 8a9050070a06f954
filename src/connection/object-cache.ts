/**
 * The per-connection object cache (ZODB's pickle cache).
 *
 * - Every object the connection handed out is reachable by oid, so one oid
 *   never has two objects in a connection. Ghosts are held weakly, so a ghost
 *   that nothing else uses can be reclaimed by the JS garbage collector. A
 *   `WeakRef` costs about a microsecond to make, so new entries are held
 *   strongly and the ghosts among them are switched to `WeakRef`s in
 *   amortised passes once there are enough of them; entries whose object was
 *   collected are swept the same way (cheaper than a FinalizationRegistry).
 * - Non-ghost objects are also held strongly in a doubly linked list of
 *   their slots (links kept in the slots: no hash table entry per object),
 *   and are ghosted in least-recently-used order by {@link ObjectCache.gc}
 *   until both the object-count and the byte-size target are met (each limit
 *   works alone; 0 turns a limit off). Changed objects, and new objects not
 *   yet committed, are never ghosted.
 *
 * @module
 */

import type { Oid } from '../ids.js';
import { OidMap } from '../oid-map.js';
import { ZERO_TID } from '../ids.js';
import type { PersistentObject } from '../persistent/interfaces.js';
import { CHANGED, GHOST } from '../persistent/interfaces.js';
import { ghostify, slotOf } from '../persistent/slot.js';
import type { PersistentSlot } from '../persistent/slot.js';

/**
 * Strongly held ghosts are switched to weak references once there are more
 * than this many of them (or more than non-ghosts, whichever is larger):
 * it bounds the memory of ghosts nothing uses.
 */
const STRONG_GHOSTS_MAX = 10_000;

/**
 * Whether garbage collection may ghost an object: not when it is changed, and
 * not when it was never committed (a new object has no stored state to
 * reload).
 */
function canGhost(slot: PersistentSlot): boolean {
  return slot.state !== CHANGED && slot.serial !== ZERO_TID;
}

/** Cache statistics, with ZODB's meanings. */
export interface CacheStats {
  /** Objects reachable by oid (ghosts included; some may be collected since the last cache GC). */
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

  private readonly byOid = new OidMap<PersistentObject | WeakRef<PersistentObject>>();
  /** The non-ghost objects' slots, in activation order (a list linked through the slots). */
  private oldest: PersistentSlot | undefined = undefined;
  private newest: PersistentSlot | undefined = undefined;
  private activeCount = 0;
  private activeBytes = 0;
  /** Entries of `byOid` held strongly (an upper bound: counted when set). */
  private strongEntries = 0;

  constructor(targetCount: number, targetBytes: number) {
    this.targetCount = targetCount;
    this.targetBytes = targetBytes;
  }

  /** The object with this oid, if the connection still has it. */
  get(oid: Oid): PersistentObject | undefined {
    const entry = this.byOid.get(oid);
    return entry instanceof WeakRef ? entry.deref() : entry;
  }

  /** Adds an object (ghost or not) under its oid; its slot is passed to save a lookup. */
  set(oid: Oid, obj: PersistentObject, slot: PersistentSlot = slotOf(obj)): void {
    const existing = this.get(oid);
    if (existing === undefined) {
      this.byOid.set(oid, obj);
      this.strongEntries++;
    } else if (existing !== obj) {
      throw new Error(`assertion failed: two objects for oid ${oid} in one cache`);
    }
    if (slot.state !== GHOST) this.activated(slot);
  }

  /**
   * {@link set} for an oid the caller knows has no live object here (it just
   * missed in {@link get}, or the storage just allocated it): one lookup less.
   */
  add(oid: Oid, obj: PersistentObject, slot: PersistentSlot): void {
    this.byOid.set(oid, obj);
    this.strongEntries++;
    if (slot.state !== GHOST) this.activated(slot);
  }

  /** Forgets an object (an added object whose transaction aborted). */
  delete(oid: Oid): void {
    const obj = this.get(oid);
    this.byOid.delete(oid);
    if (obj !== undefined) this.deactivated(slotOf(obj));
  }

  /** Records that an object now has its state in memory. */
  activated(slot: PersistentSlot): void {
    if (!slot.cached) {
      slot.cached = true;
      slot.cachePrevious = this.newest;
      slot.cacheNext = undefined;
      if (this.newest === undefined) this.oldest = slot;
      else this.newest.cacheNext = slot;
      this.newest = slot;
      this.activeCount++;
      this.activeBytes += slot.estimatedSize;
    }
  }

  /** True when the non-ghost objects exceed a target by `factor`. */
  overTarget(factor = 1): boolean {
    return (
      (this.targetCount > 0 && this.activeCount > this.targetCount * factor) ||
      (this.targetBytes > 0 && this.activeBytes > this.targetBytes * factor)
    );
  }

  /**
   * Ghosts least-recently-used unchanged objects until both targets are met
   * (ZODB's `incrgc`), and sweeps collected entries now and then. Returns how
   * many objects were ghosted.
   */
  gc(): number {
    if (this.strongEntries - this.activeCount > Math.max(STRONG_GHOSTS_MAX, this.activeCount)) {
      this.weakenGhosts();
    }
    // The object count only over-counts (objects ghosted behind our back),
    // so a cache under its count target needs no pass. Byte sizes change
    // after activation (a new object's size is known at commit), so a byte
    // limit always recounts.
    if (this.targetBytes === 0 && !this.overTarget()) return 0;
    this.dropGhosts();
    if (!this.overTarget()) return 0;
    const candidates: PersistentSlot[] = [];
    for (let slot = this.oldest; slot !== undefined; slot = slot.cacheNext) {
      if (canGhost(slot)) candidates.push(slot);
    }
    candidates.sort((a, b) => a.accessed - b.accessed);
    let ghosted = 0;
    for (const slot of candidates) {
      if (!this.overTarget()) break;
      this.ghost(slot);
      ghosted++;
    }
    return ghosted;
  }

  /** Ghosts every unchanged, committed object (ZODB's `minimize`/`full_sweep`). */
  minimize(): number {
    let ghosted = 0;
    for (let slot = this.oldest; slot !== undefined;) {
      const next = slot.cacheNext;
      if (canGhost(slot)) {
        this.ghost(slot);
        ghosted++;
      }
      slot = next;
    }
    return ghosted;
  }

  /** Ghosts the object with this oid, even if changed. */
  invalidate(oid: Oid): void {
    const obj = this.get(oid);
    if (obj !== undefined) this.ghost(slotOf(obj));
  }

  /** Ghosts every object, changed or not (the storage asked for a full flush). */
  invalidateAll(): void {
    for (let slot = this.oldest; slot !== undefined;) {
      const next = slot.cacheNext;
      this.ghost(slot);
      slot = next;
    }
  }

  /** Every object still reachable by oid. */
  *objects(): IterableIterator<PersistentObject> {
    for (const entry of this.byOid.values()) {
      const obj = entry instanceof WeakRef ? entry.deref() : entry;
      if (obj !== undefined) yield obj;
    }
  }

  stats(): CacheStats {
    this.dropGhosts();
    return {
      size: this.byOid.size,
      nonGhostCount: this.activeCount,
      estimatedBytes: this.activeBytes,
    };
  }

  private ghost(slot: PersistentSlot): void {
    if (slot.state !== GHOST) ghostify(slot);
    this.deactivated(slot);
  }

  private deactivated(slot: PersistentSlot): void {
    if (slot.cached) {
      this.unlink(slot);
      this.activeBytes -= slot.estimatedSize;
    }
  }

  /** Takes a slot out of the list of non-ghosts. */
  private unlink(slot: PersistentSlot): void {
    const { cachePrevious: previous, cacheNext: next } = slot;
    if (previous === undefined) this.oldest = next;
    else previous.cacheNext = next;
    if (next === undefined) this.newest = previous;
    else next.cachePrevious = previous;
    slot.cachePrevious = undefined;
    slot.cacheNext = undefined;
    slot.cached = false;
    this.activeCount--;
  }

  /** Removes objects ghosted behind the cache's back (`_p_deactivate()`) from the list of non-ghosts, recounting bytes. */
  private dropGhosts(): void {
    let bytes = 0;
    for (let slot = this.oldest; slot !== undefined;) {
      const next = slot.cacheNext;
      if (slot.state === GHOST) this.unlink(slot);
      else bytes += slot.estimatedSize;
      slot = next;
    }
    this.activeBytes = bytes;
  }

  /**
   * Holds every ghost weakly from now on, and drops the entries of objects
   * the JS garbage collector reclaimed.
   */
  private weakenGhosts(): void {
    let strong = 0;
    for (const [oid, entry] of this.byOid) {
      if (entry instanceof WeakRef) {
        if (entry.deref() === undefined) this.byOid.delete(oid);
      } else if (slotOf(entry).cached) {
        strong++;
      } else {
        this.byOid.set(oid, new WeakRef(entry));
      }
    }
    this.strongEntries = strong;
  }
}
