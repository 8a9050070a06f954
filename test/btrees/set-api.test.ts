/** The set API of TreeSets and Sets, beyond what the model-based suite covers. */
import { describe, expect, it } from 'vitest';
import { IIBTree, IISet, IITreeSet, OOSet, OOTreeSet } from '../../src/btrees/index.js';

describe('TreeSet and Set', () => {
  for (const make of [() => new OOTreeSet<string>(), () => new OOSet<string>()]) {
    const name = make().constructor.name;

    it(`${name}: add and insert report whether the key was new`, () => {
      const s = make();
      expect(s.add('a')).toBe(true);
      expect(s.add('a')).toBe(false);
      expect(s.insert('b')).toBe(true);
      expect([...s]).toEqual(['a', 'b']);
    });

    it(`${name}: remove throws RangeError for an absent key; delete and discard do not`, () => {
      const s = make();
      s.add('a');
      expect(() => s.remove('b')).toThrow(RangeError);
      expect(s.delete('b')).toBe(false);
      expect(s.discard('a')).toBe(true);
    });

    it(`${name}: update counts the new keys`, () => {
      const s = make();
      expect(s.update(['b', 'a', 'b'])).toBe(2);
    });

    it(`${name}: pop removes the smallest key`, () => {
      const s = make();
      s.update(['b', 'a']);
      expect(s.pop()).toBe('a');
      expect(s.pop()).toBe('b');
      expect(() => s.pop()).toThrow(RangeError);
    });

    it(`${name}: isDisjoint`, () => {
      const s = make();
      s.update(['a', 'b']);
      expect(s.isDisjoint(['c'])).toBe(true);
      expect(s.isDisjoint(new OOSet(['c', 'b']))).toBe(false);
    });

    it(`${name}: forEach passes each key twice, like Set.forEach`, () => {
      const s = make();
      s.update(['b', 'a']);
      const seen: string[] = [];
      s.forEach((k, k2) => seen.push(k + k2));
      expect(seen).toEqual(['aa', 'bb']);
    });

    it(`${name}: ranges`, () => {
      const s = make();
      s.update(['a', 'b', 'c', 'd']);
      expect([...s.keys({ min: 'b', max: 'c' })]).toEqual(['b', 'c']);
      expect(s.keys({ excludeMin: true }).at(0)).toBe('b');
    });
  }

  it('a Set supports indexed access (ZODB s[i])', () => {
    const s = new IISet([5, 1, 3]);
    expect(s.at(0)).toBe(1);
    expect(s.at(-1)).toBe(5);
    expect(s.at(3)).toBeUndefined();
  });

  it('a TreeSet built from a large iterable holds each key once, in order', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 3000);
    const s = new IITreeSet(keys);
    expect(s.size).toBe(3000);
    expect(s.keys().at(1234)).toBe(1234);
  });

  it('a set built from a mapping takes its keys', () => {
    const m = new IIBTree([
      [2, 20],
      [1, 10],
    ]);
    expect([...new IITreeSet(m)]).toEqual([1, 2]);
    expect(new IISet([3]).isDisjoint(m)).toBe(true);
  });
});
