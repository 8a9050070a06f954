/** check(), findProblems() and display(). */
import { describe, expect, it } from 'vitest';
import {
  BTreeCheckError,
  check,
  display,
  findProblems,
  IIBTree,
  IISet,
  OOBTree,
} from '../../src/btrees/index.js';
import { registerClass } from '../../src/serialize/class-registry.js';

class SmallIIBTree extends IIBTree {
  static override maxLeafSize = 3;
  static override maxInternalSize = 3;
}
registerClass(SmallIIBTree, 'test.btrees.check.SmallIIBTree');

function sample(): SmallIIBTree {
  return new SmallIIBTree(Array.from({ length: 30 }, (_, i) => [i, i * 10] as [number, number]));
}

describe('check', () => {
  it('finds nothing wrong in a sound tree, bucket or set', () => {
    expect(findProblems(sample())).toEqual([]);
    expect(() => check(new IISet([1, 2]))).not.toThrow();
    expect(() => check(new OOBTree())).not.toThrow();
  });

  it('reports keys out of order in a bucket', () => {
    const t = sample();
    const leaf = t._firstBucket!;
    leaf._keys[0] = 99;
    const problems = findProblems(t);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/out of order|at or above its range/);
    expect(() => check(t)).toThrow(BTreeCheckError);
  });

  it('reports a key in the wrong bucket (outside the separators of its parent)', () => {
    const t = sample();
    const last = t.keys().last()!;
    let leaf = t._firstBucket!;
    while (leaf._next !== null) leaf = leaf._next;
    leaf._keys[leaf._len - 1] = last + 1; // still ordered, still above every separator
    expect(findProblems(t)).toEqual([]);
    t._firstBucket!._keys[0] = -5; // below range? no lower bound for the first bucket
    expect(findProblems(t)).toEqual([]);
    const second = t._firstBucket!._next!;
    second._keys[0] = -1; // below its separator
    expect(findProblems(t).some((p) => /below its range/.test(p.message))).toBe(true);
  });

  it('reports a broken bucket chain', () => {
    const t = sample();
    t._firstBucket!._next = null;
    expect(findProblems(t).some((p) => p.path === 'chain')).toBe(true);
  });

  it('reports a size counter that disagrees with the buckets', () => {
    const t = new IIBTree([[1, 1]], { trackSize: true });
    t._sizeCounter!.change(5);
    expect(findProblems(t)[0]?.message).toMatch(/size counter says 6 keys, the buckets hold 1/);
  });

  it('lists the problems in the error', () => {
    const t = sample();
    t._firstBucket!._keys[1] = -7;
    try {
      check(t);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BTreeCheckError);
      expect((error as BTreeCheckError).problems.length).toBeGreaterThan(0);
      expect((error as Error).message).toMatch(/SmallIIBTree is inconsistent/);
    }
  });

  it('repairs by copying into a new tree', () => {
    const t = sample();
    t._firstBucket!._keys[1] = -7;
    const repaired = new IIBTree(t);
    expect(findProblems(repaired)).toEqual([]);
    expect(repaired.size).toBe(30);
  });
});

describe('display', () => {
  it('shows one line per node with keys, separators and links', () => {
    const text = display(
      new SmallIIBTree([
        [1, 10],
        [2, 20],
        [3, 30],
        [4, 40],
      ]),
    );
    expect(text).toBe(
      [
        'SmallIIBTree (no oid) (root, 2 children, first bucket (no oid))',
        '  [0] IIBucket (no oid) (2 keys: 1 .. 2, next (no oid))',
        '  key 3',
        '  [1] IIBucket (no oid) (2 keys: 3 .. 4)',
      ].join('\n'),
    );
  });

  it('lists every item on request', () => {
    expect(display(new OOBTree([['a', 1]]), { items: true })).toContain(
      "OOBucket (no oid) (1 key: {'a': 1})",
    );
  });
});
