/**
 * Typed arrays carved out of shared slabs (the numeric families' stores and
 * packed states).
 */
import { describe, expect, it } from 'vitest';
import { IIBTree, LFBTree } from '../../src/btrees/index.js';
import { SLAB_BYTES, newTypedArray } from '../../src/btrees/typed-slab.js';

function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.buffer !== b.buffer) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

describe('newTypedArray', () => {
  it('returns arrays of the asked class and length, filled with zeros', () => {
    const ints = newTypedArray(Int32Array, 31);
    const floats = newTypedArray(Float64Array, 17);
    expect(ints).toBeInstanceOf(Int32Array);
    expect(ints.length).toBe(31);
    expect(floats).toBeInstanceOf(Float64Array);
    expect(floats.length).toBe(17);
    expect([...ints].every((x) => x === 0)).toBe(true);
    expect([...floats].every((x) => x === 0)).toBe(true);
  });

  it('never hands out overlapping regions, even across slabs', () => {
    const arrays: (Int32Array | Float64Array)[] = [];
    let bytes = 0;
    for (let i = 0; bytes < 3 * SLAB_BYTES; i++) {
      const array = newTypedArray(i % 2 === 0 ? Int32Array : Float64Array, 1 + (i % 40));
      array.fill(i + 1);
      arrays.push(array);
      bytes += array.byteLength;
    }
    for (let i = 0; i < arrays.length; i++) {
      expect([...arrays[i]!].every((x) => x === i + 1)).toBe(true);
      for (let j = i + 1; j < arrays.length; j++)
        expect(overlaps(arrays[i]!, arrays[j]!)).toBe(false);
    }
  });

  it('aligns Float64Array regions after odd-sized Int32Array ones', () => {
    newTypedArray(Int32Array, 3);
    const floats = newTypedArray(Float64Array, 4);
    expect(floats.byteOffset % 8).toBe(0);
  });

  it('gives large and empty arrays a buffer of their own', () => {
    const large = newTypedArray(Float64Array, SLAB_BYTES / 8);
    expect(large.byteOffset).toBe(0);
    expect(large.buffer.byteLength).toBe(large.byteLength);
    expect(newTypedArray(Int32Array, 0).length).toBe(0);
  });
});

describe('numeric trees on slab-carved stores', () => {
  it('keep every key and value through thousands of splits in interleaved trees', () => {
    const a = new IIBTree();
    const b = new LFBTree();
    const n = 5000;
    for (let i = 0; i < n; i++) {
      const k = (i * 7919) % n;
      a.set(k, n - k);
      b.set(k * 2, k / 4);
    }
    expect([...a]).toEqual(Array.from({ length: n }, (_, k) => [k, n - k]));
    expect([...b]).toEqual(Array.from({ length: n }, (_, k) => [k * 2, k / 4]));
    for (let k = 0; k < n; k += 2) a.delete(k);
    expect([...a.keys()]).toEqual(Array.from({ length: n / 2 }, (_, i) => 2 * i + 1));
    expect(b.get(2 * (n - 1))).toBe((n - 1) / 4);
  });
});
