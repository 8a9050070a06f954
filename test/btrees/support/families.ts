/**
 * The nine families as test subjects: generators of keys and values, the
 * values each must refuse, and small-node subclasses (registered for
 * storage) that make deep trees out of a few dozen keys.
 */
import fc from 'fast-check';
import { compareKeys, IF, II, IO, LF, LL, LO, OI, OL, OO } from '../../../src/btrees/index.js';
import { registerClass } from '../../../src/serialize/class-registry.js';

/** A family under test. */
export interface FamilySpec {
  readonly name: string;
  readonly family: any;
  /** Keys from a small domain, so operations collide. */
  readonly key: fc.Arbitrary<any>;
  readonly value: fc.Arbitrary<any>;
  /** The model's key order. */
  readonly compare: (a: any, b: any) => number;
  /** The model's value equality. */
  readonly sameValue: (a: any, b: any) => boolean;
  /** `n` distinct keys in increasing order. */
  sortedKeys(n: number): any[];
  /** A value derived from an integer. */
  valueOf(i: number): any;
  /** Keys the family refuses, with the error class. */
  readonly badKeys: ReadonlyArray<readonly [unknown, ErrorConstructor]>;
  /** Values the family refuses (mappings), with the error class. */
  readonly badValues: ReadonlyArray<readonly [unknown, ErrorConstructor]>;
  /** BTree and TreeSet subclasses with 3-key buckets and 3-child nodes. */
  readonly SmallBTree: any;
  readonly SmallTreeSet: any;
  readonly keyLetter: 'O' | 'I' | 'L';
  readonly valueLetter: 'O' | 'I' | 'L' | 'F';
}

const int32 = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -40, max: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(-0x80000000, 0x7fffffff, -0x7fffffff) },
);
const int64 = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -40, max: 40 }).map((i) => i * 2 ** 33) },
  { weight: 1, arbitrary: fc.constantFrom(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) },
);
const objectKey = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 40 }).map((i) => `k${i}`) },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: 5 }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 3 })) },
);
const objectValue = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null));
const floatValue = fc.oneof(fc.double({ noNaN: true }), fc.integer());

const numericCompare = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);

const refusedObjectKeys = [
  [undefined, TypeError],
  [NaN, TypeError],
  [{}, TypeError],
  [new Map(), TypeError],
  [Symbol('s'), TypeError],
  [[1, {}], TypeError],
  [new Date(NaN), TypeError],
] as const;
const refusedInt32 = [
  [1.5, TypeError],
  ['1', TypeError],
  [1n, TypeError],
  [null, TypeError],
  [NaN, TypeError],
  [2 ** 31, RangeError],
  [-(2 ** 31) - 1, RangeError],
] as const;
const refusedInt64 = [
  [1.5, TypeError],
  ['1', TypeError],
  [1n, TypeError],
  [Infinity, TypeError],
  [2 ** 53, RangeError],
  [-(2 ** 53), RangeError],
] as const;

function makeSpec(
  name: string,
  family: any,
  keyLetter: 'O' | 'I' | 'L',
  valueLetter: 'O' | 'I' | 'L' | 'F',
): FamilySpec {
  class SmallBTree extends family.BTree {
    static maxLeafSize = 3;
    static maxInternalSize = 3;
  }
  class SmallTreeSet extends family.TreeSet {
    static maxLeafSize = 3;
    static maxInternalSize = 3;
  }
  registerClass(SmallBTree, `test.btrees.Small${name}BTree`);
  registerClass(SmallTreeSet, `test.btrees.Small${name}TreeSet`);
  const key = keyLetter === 'O' ? objectKey : keyLetter === 'I' ? int32 : int64;
  const value = { O: objectValue, I: int32, L: int64, F: floatValue }[valueLetter];
  return {
    name,
    family,
    key,
    value,
    keyLetter,
    valueLetter,
    compare: keyLetter === 'O' ? compareKeys : numericCompare,
    sameValue: (a, b) => Object.is(a, b),
    sortedKeys: (n) =>
      Array.from({ length: n }, (_, i) =>
        keyLetter === 'O'
          ? `key${String(i).padStart(5, '0')}`
          : keyLetter === 'I'
            ? i * 7 - 1000
            : i * 2 ** 40,
      ),
    valueOf: (i) =>
      valueLetter === 'O'
        ? `v${i}`
        : valueLetter === 'F'
          ? i + 0.5
          : valueLetter === 'L'
            ? i * 2 ** 35
            : i,
    badKeys:
      keyLetter === 'O' ? refusedObjectKeys : keyLetter === 'I' ? refusedInt32 : refusedInt64,
    badValues:
      valueLetter === 'O'
        ? []
        : valueLetter === 'I'
          ? refusedInt32
          : valueLetter === 'L'
            ? refusedInt64
            : [
                ['1', TypeError],
                [null, TypeError],
                [1n, TypeError],
              ],
    SmallBTree,
    SmallTreeSet,
  };
}

/** Every family, in ZODB's order. */
export const FAMILIES: readonly FamilySpec[] = [
  makeSpec('OO', OO, 'O', 'O'),
  makeSpec('IO', IO, 'I', 'O'),
  makeSpec('OI', OI, 'O', 'I'),
  makeSpec('II', II, 'I', 'I'),
  makeSpec('IF', IF, 'I', 'F'),
  makeSpec('LO', LO, 'L', 'O'),
  makeSpec('OL', OL, 'O', 'L'),
  makeSpec('LL', LL, 'L', 'L'),
  makeSpec('LF', LF, 'L', 'F'),
];

/** The spec of one family by name. */
export function familySpec(name: string): FamilySpec {
  const spec = FAMILIES.find((f) => f.name === name);
  if (spec === undefined) throw new Error(`no family ${name}`);
  return spec;
}
