import { describe, expect, it } from 'vitest';
import { ObjectCache } from '../../src/connection/object-cache.js';
import { Persistent } from '../../src/persistent/index.js';
import type { PersistentJar, PersistentObject } from '../../src/persistent/index.js';
import { CHANGED, GHOST } from '../../src/persistent/interfaces.js';
import { slotOf, touch } from '../../src/persistent/slot.js';

class Item extends Persistent {
  value = 0;
}

const jar: PersistentJar = { setstate: () => {}, register: () => {} };

/** A committed object (serial set) with oid `oid` and a record of `bytes` bytes. */
function committed(oid: number, bytes = 10): PersistentObject {
  const obj = new Item() as unknown as PersistentObject;
  const slot = slotOf(obj);
  slot.oid = oid;
  slot.jar = jar;
  slot.serial = 5n;
  slot.estimatedSize = bytes;
  return obj;
}

function filled(count: number, targetCount: number, targetBytes = 0) {
  const cache = new ObjectCache(targetCount, targetBytes);
  const objects = Array.from({ length: count }, (_, i) => committed(i + 1));
  for (const obj of objects) cache.set(slotOf(obj).oid!, obj);
  return { cache, objects };
}

const isGhost = (obj: PersistentObject) => slotOf(obj).state === GHOST;

describe('ObjectCache', () => {
  it('gc ghosts the least recently used objects down to the count target', () => {
    const { cache, objects } = filled(6, 3);
    for (const index of [0, 2, 4]) touch(slotOf(objects[index]!));
    expect(cache.gc()).toBe(3);
    expect(objects.map(isGhost)).toEqual([false, true, false, true, false, true]);
    expect(cache.stats()).toEqual({ size: 6, nonGhostCount: 3, estimatedBytes: 30 });
  });

  it('gc meets the byte target, and never ghosts changed or never-committed objects', () => {
    const { cache, objects } = filled(4, 0, 15);
    slotOf(objects[0]!).state = CHANGED;
    slotOf(objects[1]!).serial = 0n;
    cache.gc();
    expect(objects.map(isGhost)).toEqual([false, false, true, true]);
    expect(cache.stats().nonGhostCount).toBe(2);
  });

  it('minimize ghosts every unchanged committed object and keeps the others counted', () => {
    const { cache, objects } = filled(5, 100);
    slotOf(objects[2]!).state = CHANGED;
    expect(cache.minimize()).toBe(4);
    expect(objects.map(isGhost)).toEqual([true, true, false, true, true]);
    expect(cache.stats()).toEqual({ size: 5, nonGhostCount: 1, estimatedBytes: 10 });
  });

  it('objects ghosted behind its back drop out of the counts, and can be activated again', () => {
    const { cache, objects } = filled(3, 100);
    objects[1]!._p_deactivate();
    expect(cache.stats()).toEqual({ size: 3, nonGhostCount: 2, estimatedBytes: 20 });
    const slot = slotOf(objects[1]!);
    slot.state = 0;
    cache.activated(slot);
    cache.activated(slot);
    expect(cache.stats().nonGhostCount).toBe(3);
  });

  it('invalidateAll ghosts changed objects too; delete forgets an object', () => {
    const { cache, objects } = filled(3, 100);
    slotOf(objects[0]!).state = CHANGED;
    cache.delete(3);
    expect(cache.get(3)).toBeUndefined();
    cache.invalidateAll();
    expect(objects.slice(0, 2).map(isGhost)).toEqual([true, true]);
    expect(cache.stats()).toEqual({ size: 2, nonGhostCount: 0, estimatedBytes: 0 });
  });

  it('refuses a second object for an oid it holds', () => {
    const { cache } = filled(1, 10);
    expect(() => cache.set(1, committed(1))).toThrow(/two objects for oid 1/);
  });
});
