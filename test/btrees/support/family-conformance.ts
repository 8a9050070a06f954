/**
 * The behaviour every family must have, as one suite run for each family
 * (families.test.ts): the mapping and set APIs against a model through
 * random operation sequences, type checks, stored states and node sizes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check, NODE_SIZES } from '../../../src/btrees/index.js';
import type { FamilySpec } from './families.js';
import {
  applyMapOp,
  applySetOp,
  expectSameMapping,
  expectSameSet,
  mapOps,
  setOps,
  SortedModel,
} from './model.js';

const RUNS = 60;

/** Every leaf of a tree, by walking the internal structure. */
function leavesOf(tree: any): any[] {
  const out: any[] = [];
  const walk = (node: any): void => {
    node._p_activate();
    if (node._isLeaf) out.push(node);
    else for (const child of node._children) walk(child);
  };
  if (tree._len > 0) walk(tree);
  return out;
}

export function describeFamily(spec: FamilySpec): void {
  const { family } = spec;

  describe(`${spec.name} family`, () => {
    it('has the documented node sizes and ZODB class names', () => {
      const sizes = NODE_SIZES[spec.name as keyof typeof NODE_SIZES];
      expect(family.BTree.maxLeafSize).toBe(sizes.maxLeafSize);
      expect(family.BTree.maxInternalSize).toBe(sizes.maxInternalSize);
      expect(family.TreeSet.maxLeafSize).toBe(sizes.maxLeafSize);
      expect(family.BTree.name).toBe(`${spec.name}BTree`);
      expect(family.Bucket.name).toBe(`${spec.name}Bucket`);
      expect(family.TreeSet.name).toBe(`${spec.name}TreeSet`);
      expect(family.Set.name).toBe(`${spec.name}Set`);
    });

    for (const kind of ['BTree', 'Bucket'] as const) {
      it(`${kind}: random operation sequences agree with a sorted-array model`, () => {
        const make = () => (kind === 'BTree' ? new spec.SmallBTree() : new family.Bucket());
        fc.assert(
          fc.property(fc.array(mapOps(spec), { maxLength: 80 }), (ops) => {
            const tree = make();
            const model = new SortedModel(spec.compare);
            for (const op of ops) applyMapOp(tree, model, op);
            expectSameMapping(tree, model);
            check(tree);
          }),
          { numRuns: RUNS },
        );
      });
    }

    for (const kind of ['TreeSet', 'Set'] as const) {
      it(`${kind}: random operation sequences agree with a sorted-array model`, () => {
        const make = () => (kind === 'TreeSet' ? new spec.SmallTreeSet() : new family.Set());
        fc.assert(
          fc.property(fc.array(setOps(spec), { maxLength: 80 }), (ops) => {
            const set = make();
            const model = new SortedModel(spec.compare);
            for (const op of ops) applySetOp(set, model, op);
            expectSameSet(set, model);
            check(set);
          }),
          { numRuns: RUNS },
        );
      });
    }

    it('refuses keys outside its key type, storing nothing', () => {
      for (const make of [
        () => new family.BTree(),
        () => new family.Bucket(),
        () => new family.TreeSet(),
        () => new family.Set(),
      ]) {
        const c = make();
        for (const [bad, errorClass] of spec.badKeys) {
          expect(() => (c.add ? c.add(bad) : c.set(bad, spec.valueOf(1)))).toThrow(errorClass);
          expect(() => c.has(bad)).toThrow(errorClass);
          // An undefined end of a range means an open end.
          if (bad !== undefined) expect(() => c.keys({ min: bad })).toThrow(errorClass);
        }
        expect(c.size).toBe(0);
      }
    });

    it('refuses values outside its value type, storing nothing', () => {
      const [key] = spec.sortedKeys(1);
      for (const make of [() => new family.BTree(), () => new family.Bucket()]) {
        const m = make();
        for (const [bad, errorClass] of spec.badValues) {
          expect(() => m.set(key, bad)).toThrow(errorClass);
          expect(() => m.insert(key, bad)).toThrow(errorClass);
        }
        expect(m.size).toBe(0);
      }
    });

    it('never lets a bucket grow past the family leaf size, and keeps every leaf at one depth', () => {
      const keys = spec.sortedKeys(family.BTree.maxLeafSize * 12);
      const tree = new family.BTree();
      for (const [i, k] of keys.entries()) tree.set(k, spec.valueOf(i));
      const leaves = leavesOf(tree);
      expect(leaves.length).toBeGreaterThan(1);
      for (const leaf of leaves) expect(leaf._len).toBeLessThanOrEqual(family.BTree.maxLeafSize);
      check(tree);
      expect([...tree.keys()]).toEqual(keys);
    });

    const typed = { O: Array, I: Int32Array, L: Float64Array, F: Float64Array };
    const packed = typed[spec.keyLetter] === typed[spec.valueLetter] && spec.keyLetter !== 'O';
    const layout = packed
      ? 'one typed array of the keys then the values'
      : `${spec.keyLetter === 'O' ? 'an array' : 'a typed array'} of keys and ${spec.valueLetter === 'O' ? 'an array' : 'a typed array'} of values`;
    it(`stores ${layout} in bucket states`, () => {
      const bucket = new family.Bucket(spec.sortedKeys(3).map((k, i) => [k, spec.valueOf(i)]));
      const state = bucket.__getstate__() as ArrayLike<unknown>[];
      const values = [0, 1, 2].map((i) => spec.valueOf(i));
      if (packed) {
        expect(state).toHaveLength(1);
        expect(state[0]).toBeInstanceOf(typed[spec.keyLetter]);
        expect(Array.from(state[0]!)).toEqual([...spec.sortedKeys(3), ...values]);
      } else {
        expect(state).toHaveLength(2);
        expect(state[0]).toBeInstanceOf(typed[spec.keyLetter]);
        expect(state[1]).toBeInstanceOf(typed[spec.valueLetter]);
        expect(Array.from(state[0]!)).toEqual(spec.sortedKeys(3));
        expect(Array.from(state[1]!)).toEqual(values);
      }
      const copy = new family.Bucket();
      copy.__setstate__(bucket.__getstate__());
      expect([...copy]).toEqual([...bucket]);
    });

    it('a bucket loaded from a state is independent of the bucket that produced it', () => {
      const bucket = new family.Bucket(spec.sortedKeys(4).map((k, i) => [k, spec.valueOf(i)]));
      const copy = new family.Bucket();
      copy.__setstate__(bucket.__getstate__());
      const [first, , third] = spec.sortedKeys(4);
      copy.set(first, spec.valueOf(3));
      copy.delete(third);
      expect([...bucket]).toEqual(spec.sortedKeys(4).map((k, i) => [k, spec.valueOf(i)]));
      expect(copy.get(first)).toEqual(spec.valueOf(3));
      expect(copy.size).toBe(3);
    });

    it('a tree rebuilt from its node states holds the same items', () => {
      const tree = new spec.SmallBTree(spec.sortedKeys(40).map((k, i) => [k, spec.valueOf(i)]));
      const rebuilt = new spec.SmallBTree();
      rebuilt.__setstate__(tree.__getstate__());
      expect([...rebuilt]).toEqual([...tree]);
      check(rebuilt);
    });
  });
}
