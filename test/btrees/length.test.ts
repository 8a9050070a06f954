/** Length, and trees that track their size with one. */
import { describe, expect, it } from 'vitest';
import { check, IITreeSet, Length, OOBTree } from '../../src/btrees/index.js';

describe('Length', () => {
  it('counts with change() and set(), and reads with value', () => {
    const n = new Length(5);
    n.change(3);
    n.change(-1);
    expect(n.value).toBe(7);
    n.set(2);
    expect(+n).toBe(2);
    expect(String(n)).toBe('Length(2)');
  });

  it('refuses non-integers', () => {
    expect(() => new Length(1.5)).toThrow(TypeError);
    expect(() => new Length().change(0.5)).toThrow(TypeError);
    expect(() => new Length().set(Number.NaN)).toThrow(TypeError);
  });

  it('stores just the number', () => {
    const n = new Length(42);
    expect(n.__getstate__()).toBe(42);
    const m = new Length();
    m.__setstate__(42);
    expect(m.value).toBe(42);
  });

  it('resolves conflicts by adding both changes to the original', () => {
    const resolve = Length.prototype._p_resolveConflict.bind(Object.create(Length.prototype));
    expect(resolve(10, 13, 9)).toBe(12);
    expect(resolve(10, 0, 11)).toBe(1);
  });
});

describe('trees that track their size', () => {
  it('keep an O(1) size through inserts, deletes, pops and clear', () => {
    const t = new OOBTree<number, number>(null, { trackSize: true });
    expect(t.tracksSize).toBe(true);
    for (let i = 0; i < 300; i++) t.set(i, i);
    t.set(5, 50); // replacing a value does not count
    t.insert(5, 1);
    t.delete(7);
    t.delete(7);
    t.pop(8);
    t.popItem();
    expect(t.size).toBe(297);
    expect(t._sizeCounter?.value).toBe(297);
    check(t);
    t.clear();
    expect(t.size).toBe(0);
  });

  it('can start tracking later, counting once', () => {
    const s = new IITreeSet([1, 2, 3]);
    expect(s.tracksSize).toBe(false);
    s.trackSize();
    s.add(4);
    s.remove(1);
    expect(s._sizeCounter?.value).toBe(3);
    expect(s.size).toBe(3);
  });
});
