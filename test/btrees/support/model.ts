/**
 * A reference model of a sorted mapping or set (sorted arrays), random
 * operation sequences, and an interpreter that applies one operation to a
 * BTree-based structure and to the model and compares the outcomes.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { FamilySpec } from './families.js';

/** Sorted keys (and values) with the family's order. */
export class SortedModel {
  keys: any[] = [];
  values: any[] = [];
  constructor(readonly compare: (a: any, b: any) => number) {}

  find(key: any): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = this.compare(this.keys[mid], key);
      if (c < 0) lo = mid + 1;
      else if (c > 0) hi = mid;
      else return mid;
    }
    return ~lo;
  }
  has(key: any): boolean {
    return this.find(key) >= 0;
  }
  get(key: any): any {
    const i = this.find(key);
    return i >= 0 ? this.values[i] : undefined;
  }
  set(key: any, value: any, unique = false): boolean {
    const i = this.find(key);
    if (i >= 0) {
      if (!unique) this.values[i] = value;
      return false;
    }
    this.keys.splice(~i, 0, key);
    this.values.splice(~i, 0, value);
    return true;
  }
  delete(key: any): boolean {
    const i = this.find(key);
    if (i < 0) return false;
    this.keys.splice(i, 1);
    this.values.splice(i, 1);
    return true;
  }
  /** Indexes `[from, to)` of a range, with ZODB's rules for `excludeMin`/`excludeMax` without bounds. */
  range(r: RangeSpec): [number, number] {
    const n = this.keys.length;
    let from = 0;
    let to = n;
    if (r.min !== undefined) {
      const i = this.find(r.min);
      from = i >= 0 ? (r.excludeMin ? i + 1 : i) : ~i;
    } else if (r.excludeMin) from = 1;
    if (r.max !== undefined) {
      const i = this.find(r.max);
      to = i >= 0 ? (r.excludeMax ? i : i + 1) : ~i;
    } else if (r.excludeMax) to = n - 1;
    return [from, Math.max(from, to)];
  }
  snapshot(): SortedModel {
    const copy = new SortedModel(this.compare);
    copy.keys = this.keys.slice();
    copy.values = this.values.slice();
    return copy;
  }
}

export interface RangeSpec {
  min?: any;
  max?: any;
  excludeMin?: boolean;
  excludeMax?: boolean;
}

function rangeArb(key: fc.Arbitrary<any>): fc.Arbitrary<RangeSpec> {
  return fc.record(
    { min: key, max: key, excludeMin: fc.boolean(), excludeMax: fc.boolean() },
    { requiredKeys: [] },
  );
}

/** Mapping operations. */
export type MapOp =
  | { op: 'set' | 'insert' | 'setDefault'; key: any; value: any }
  | { op: 'delete' | 'pop' | 'get' | 'has'; key: any }
  | { op: 'popItem' | 'clear' | 'size' }
  | { op: 'update'; entries: Array<[any, any]> }
  | { op: 'range'; range: RangeSpec; index: number }
  | { op: 'minKey' | 'maxKey'; bound: any };

/** Random mapping operations over the family's keys and values. */
export function mapOps(spec: FamilySpec): fc.Arbitrary<MapOp> {
  const { key, value } = spec;
  return fc.oneof(
    { weight: 12, arbitrary: fc.record({ op: fc.constant('set' as const), key, value }) },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constantFrom('insert' as const, 'setDefault' as const),
        key,
        value,
      }),
    },
    {
      weight: 6,
      arbitrary: fc.record({ op: fc.constantFrom('delete' as const, 'pop' as const), key }),
    },
    {
      weight: 3,
      arbitrary: fc.record({ op: fc.constantFrom('get' as const, 'has' as const), key }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ op: fc.constantFrom('popItem' as const, 'size' as const) }),
    },
    { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('update' as const),
        entries: fc.array(fc.tuple(key, value), { maxLength: 12 }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('range' as const),
        range: rangeArb(key),
        index: fc.integer({ min: -6, max: 6 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constantFrom('minKey' as const, 'maxKey' as const),
        bound: fc.option(key, { nil: undefined }),
      }),
    },
  );
}

/** Applies `op` to `tree` and `model` and checks that both agree. */
export function applyMapOp(tree: any, model: SortedModel, op: MapOp): void {
  switch (op.op) {
    case 'set':
      tree.set(op.key, op.value);
      model.set(op.key, op.value);
      break;
    case 'insert':
      expect(tree.insert(op.key, op.value)).toBe(model.set(op.key, op.value, true));
      break;
    case 'setDefault': {
      const expected = model.has(op.key) ? model.get(op.key) : op.value;
      model.set(op.key, op.value, true);
      expect(tree.setDefault(op.key, op.value)).toEqual(expected);
      break;
    }
    case 'delete':
      expect(tree.delete(op.key)).toBe(model.delete(op.key));
      break;
    case 'pop': {
      const expected = model.has(op.key) ? model.get(op.key) : 'absent';
      model.delete(op.key);
      expect(tree.pop(op.key, 'absent')).toEqual(expected);
      break;
    }
    case 'get':
      expect(tree.get(op.key)).toEqual(model.get(op.key));
      break;
    case 'has':
      expect(tree.has(op.key)).toBe(model.has(op.key));
      break;
    case 'popItem':
      if (model.keys.length === 0) expect(() => tree.popItem()).toThrow(RangeError);
      else {
        const expected = [model.keys[0], model.values[0]];
        model.delete(model.keys[0]);
        expect(tree.popItem()).toEqual(expected);
      }
      break;
    case 'size':
      expect(tree.size).toBe(model.keys.length);
      break;
    case 'clear':
      tree.clear();
      model.keys = [];
      model.values = [];
      break;
    case 'update':
      tree.update(op.entries);
      for (const [k, v] of op.entries) model.set(k, v);
      break;
    case 'range':
      checkRange(tree, model, op.range, op.index, true);
      break;
    case 'minKey':
    case 'maxKey':
      checkMinMax(tree, model, op.op, op.bound);
      break;
  }
}

function checkRange(
  tree: any,
  model: SortedModel,
  range: RangeSpec,
  index: number,
  withValues: boolean,
): void {
  const [from, to] = model.range(range);
  const keys = tree.keys(range);
  expect(keys.length).toBe(to - from);
  expect([...keys]).toEqual(model.keys.slice(from, to));
  expect(keys.at(index)).toEqual(model.keys.slice(from, to).at(index));
  if (withValues) {
    expect([...tree.values(range)]).toEqual(model.values.slice(from, to));
    const items = tree.items(range);
    expect(items.at(index)).toEqual(
      index < -(to - from) || index >= to - from
        ? undefined
        : [model.keys.slice(from, to).at(index), model.values.slice(from, to).at(index)],
    );
  }
}

function checkMinMax(tree: any, model: SortedModel, which: 'minKey' | 'maxKey', bound: any): void {
  let expected: any;
  if (which === 'minKey') {
    const [from, to] = model.range(bound === undefined ? {} : { min: bound });
    expected = from < to ? model.keys[from] : undefined;
  } else {
    const [from, to] = model.range(bound === undefined ? {} : { max: bound });
    expected = from < to ? model.keys[to - 1] : undefined;
  }
  expect(tree[which](bound)).toEqual(expected);
}

/** Set operations. */
export type SetOp =
  | { op: 'add' | 'delete' | 'remove' | 'has'; key: any }
  | { op: 'pop' | 'clear' | 'size' }
  | { op: 'update'; keys: any[] }
  | { op: 'range'; range: RangeSpec; index: number }
  | { op: 'minKey' | 'maxKey'; bound: any };

/** Random set operations over the family's keys. */
export function setOps(spec: FamilySpec): fc.Arbitrary<SetOp> {
  const { key } = spec;
  return fc.oneof(
    { weight: 12, arbitrary: fc.record({ op: fc.constant('add' as const), key }) },
    {
      weight: 6,
      arbitrary: fc.record({
        op: fc.constantFrom('delete' as const, 'remove' as const, 'has' as const),
        key,
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('pop' as const, 'size' as const) }) },
    { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('update' as const),
        keys: fc.array(key, { maxLength: 12 }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('range' as const),
        range: rangeArb(key),
        index: fc.integer({ min: -6, max: 6 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constantFrom('minKey' as const, 'maxKey' as const),
        bound: fc.option(key, { nil: undefined }),
      }),
    },
  );
}

/** Applies `op` to `set` and `model` and checks that both agree. */
export function applySetOp(set: any, model: SortedModel, op: SetOp): void {
  switch (op.op) {
    case 'add':
      expect(set.add(op.key)).toBe(model.set(op.key, undefined, true));
      break;
    case 'delete':
      expect(set.delete(op.key)).toBe(model.delete(op.key));
      break;
    case 'remove':
      if (model.delete(op.key)) set.remove(op.key);
      else expect(() => set.remove(op.key)).toThrow(RangeError);
      break;
    case 'has':
      expect(set.has(op.key)).toBe(model.has(op.key));
      break;
    case 'pop':
      if (model.keys.length === 0) expect(() => set.pop()).toThrow(RangeError);
      else {
        const expected = model.keys[0];
        model.delete(expected);
        expect(set.pop()).toEqual(expected);
      }
      break;
    case 'size':
      expect(set.size).toBe(model.keys.length);
      break;
    case 'clear':
      set.clear();
      model.keys = [];
      model.values = [];
      break;
    case 'update': {
      let added = 0;
      for (const k of op.keys) if (model.set(k, undefined, true)) added++;
      expect(set.update(op.keys)).toBe(added);
      break;
    }
    case 'range':
      checkRange(set, model, op.range, op.index, false);
      break;
    case 'minKey':
    case 'maxKey':
      checkMinMax(set, model, op.op, op.bound);
      break;
  }
}

/** Checks the whole content of a mapping against the model. */
export function expectSameMapping(tree: any, model: SortedModel): void {
  expect([...tree]).toEqual(model.keys.map((k, i) => [k, model.values[i]]));
}

/** Checks the whole content of a set against the model. */
export function expectSameSet(set: any, model: SortedModel): void {
  expect([...set]).toEqual(model.keys);
}
