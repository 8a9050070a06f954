import { describe, expect, it } from 'vitest';
import { SHARES_DECODED_BINARIES } from '../../src/serialize/binary-kinds.js';
import {
  ClassRegistry,
  decodeRecord,
  decodeRecordGeneric,
  encodeRecord,
} from '../../src/serialize/index.js';
import { FakePersistent, decodeContext, encodeContext } from './support/contexts.js';

/** A class whose instances keep the typed arrays of their state to themselves. */
class Leaf {
  static readonly [SHARES_DECODED_BINARIES] = true;
}

/** A class without the opt-in. */
class Holder {}

const registry = new ClassRegistry();
registry.register(Leaf, 'test.Leaf');
registry.register(Holder, 'test.Holder');

function itemsOf(className: string, items: Int32Array, options = registry): Int32Array {
  const record = encodeRecord(className, [items, new FakePersistent(3)], encodeContext(registry));
  return (decodeRecord(record, decodeContext(options)).state as [Int32Array])[0];
}

describe('typed arrays of classes that share decoded binaries', () => {
  it('are views on one shared buffer, each with its own values', () => {
    const first = itemsOf('test.Leaf', Int32Array.of(1, 2, 3));
    const second = itemsOf('test.Leaf', Int32Array.of(-4, 5));
    expect(first.buffer).toBe(second.buffer);
    expect(first.buffer.byteLength).toBeGreaterThan(first.byteLength);
    expect([...first]).toEqual([1, 2, 3]);
    expect([...second]).toEqual([-4, 5]);
  });

  it('never overlap: writing one leaves the others unchanged', () => {
    const arrays = Array.from({ length: 200 }, (_, i) =>
      itemsOf(
        'test.Leaf',
        Int32Array.from({ length: 1 + (i % 40) }, (_, j) => i * 1000 + j),
      ),
    );
    for (const array of arrays) array.fill(-1, 0, 1);
    arrays.forEach((array, i) => {
      expect(array[0]).toBe(-1);
      expect([...array.subarray(1)]).toEqual(
        Array.from({ length: array.length - 1 }, (_, j) => i * 1000 + j + 1),
      );
    });
  });

  it('do not alias the record: changing the record bytes afterwards changes nothing', () => {
    const record = encodeRecord('test.Leaf', [Int32Array.of(7, 8)], encodeContext(registry));
    const items = (decodeRecord(record, decodeContext(registry)).state as [Int32Array])[0];
    record.fill(0);
    expect([...items]).toEqual([7, 8]);
  });

  it('start on 8-byte boundaries, so Float64Array values can be views too', () => {
    itemsOf('test.Leaf', Int32Array.of(1));
    const record = encodeRecord('test.Leaf', [Float64Array.of(0.5, -2)], encodeContext(registry));
    const values = (decodeRecord(record, decodeContext(registry)).state as [Float64Array])[0];
    expect(values.buffer.byteLength).toBeGreaterThan(values.byteLength);
    expect(values.byteOffset % 8).toBe(0);
    expect([...values]).toEqual([0.5, -2]);
  });
});

describe('typed arrays that get a buffer of their own', () => {
  it('in records of classes without the opt-in', () => {
    const items = itemsOf('test.Holder', Int32Array.of(1, 2, 3));
    expect(items.buffer.byteLength).toBe(12);
  });

  it('when the record is decoded with a registry that does not know the class', () => {
    const items = itemsOf('test.Leaf', Int32Array.of(1, 2, 3), new ClassRegistry());
    expect(items.buffer.byteLength).toBe(12);
  });

  it('in generic decodes', () => {
    const record = encodeRecord('test.Leaf', [Int32Array.of(1, 2)], encodeContext(registry));
    const items = (decodeRecordGeneric(record, { registry }).state as [Int32Array])[0];
    expect(items.buffer.byteLength).toBe(8);
  });

  it('for ArrayBuffer, DataView and Buffer values and for large arrays', () => {
    const large = new Int32Array(2048).fill(9);
    const record = encodeRecord(
      'test.Leaf',
      [new ArrayBuffer(4), new DataView(new ArrayBuffer(2)), Buffer.from([1]), large],
      encodeContext(registry),
    );
    const [buffer, view, nodeBuffer, array] = decodeRecord(record, decodeContext(registry))
      .state as [ArrayBuffer, DataView, Buffer, Int32Array];
    expect(buffer.byteLength).toBe(4);
    expect(view.buffer.byteLength).toBe(2);
    expect(nodeBuffer.buffer.byteLength).toBe(1);
    expect(array.buffer.byteLength).toBe(large.byteLength);
    expect(array).toStrictEqual(large);
  });
});
