/** The type parameters of the public API (checked by the compiler; the bodies also run). */
import { describe, expectTypeOf, it } from 'vitest';
import {
  difference,
  II,
  IIBTree,
  IISet,
  IOBTree,
  OIBTree,
  OOBTree,
  OOSet,
  OOTreeSet,
  union,
  weightedUnion,
} from '../../src/btrees/index.js';
import type {
  Bucket,
  BucketSet,
  ItemsView,
  ObjectKey,
  ValuesView,
  KeysView,
} from '../../src/btrees/index.js';

describe('types', () => {
  it('OOBTree<K, V> types keys, values and entries', () => {
    const t = new OOBTree<string, { name: string }>();
    expectTypeOf(t.get('a')).toEqualTypeOf<{ name: string } | undefined>();
    expectTypeOf(t.get('a', null)).toEqualTypeOf<{ name: string } | null>();
    expectTypeOf(t.keys()).toEqualTypeOf<KeysView<string>>();
    expectTypeOf(t.values()).toEqualTypeOf<ValuesView<{ name: string }>>();
    expectTypeOf(t.items()).toEqualTypeOf<ItemsView<string, { name: string }>>();
    expectTypeOf([...t]).toEqualTypeOf<Array<[string, { name: string }]>>();
    expectTypeOf(t.minKey()).toEqualTypeOf<string | undefined>();
    expectTypeOf(t.popItem).returns.toEqualTypeOf<[string, { name: string }]>();
    // @ts-expect-error a number is not a string key
    expectTypeOf(() => t.set(1, { name: 'x' })).toBeFunction();
  });

  it('defaults to any key of the order and unknown values', () => {
    const t = new OOBTree();
    expectTypeOf(t.get(null)).toEqualTypeOf<unknown>();
    expectTypeOf(t.keys().at(0)).toEqualTypeOf<ObjectKey | undefined>();
    // @ts-expect-error objects are not keys
    expectTypeOf(() => t.set({}, 1)).toBeFunction();
  });

  it('integer and float families use numbers', () => {
    const ii = new IIBTree();
    expectTypeOf(ii.get(1)).toEqualTypeOf<number | undefined>();
    const io = new IOBTree<Date>();
    expectTypeOf(io.get(1)).toEqualTypeOf<Date | undefined>();
    const oi = new OIBTree<string>();
    expectTypeOf(oi.get('a')).toEqualTypeOf<number | undefined>();
    // @ts-expect-error integer families take number keys
    expectTypeOf(() => ii.set('1', 1)).toBeFunction();
  });

  it('sets yield their keys', () => {
    const s = new OOTreeSet<string>(['a']);
    expectTypeOf([...s]).toEqualTypeOf<string[]>();
    expectTypeOf(s.add('b')).toEqualTypeOf<boolean>();
    expectTypeOf(new IISet([1]).at(0)).toEqualTypeOf<number | undefined>();
  });

  it('set operations keep key and value types', () => {
    const a = new OOBTree<string, number>();
    expectTypeOf(difference(a, new OOSet<string>())).toEqualTypeOf<Bucket<string, number>>();
    expectTypeOf(union(a, ['x'])).toEqualTypeOf<BucketSet<string>>();
    expectTypeOf(difference(a, null)).toEqualTypeOf<OOBTree<string, number>>();
    expectTypeOf(II.multiunion([1, new IISet()])).toEqualTypeOf<BucketSet<number>>();
    expectTypeOf(weightedUnion(new IIBTree(), new IISet())[0]).toEqualTypeOf<number>();
  });
});
