import { describe, expect, it } from 'vitest';
import { CorruptedDataError } from '../../src/errors.js';
import {
  ClassRegistry,
  decodeRecord,
  decodeRecordGeneric,
  encodeRecord,
} from '../../src/serialize/index.js';
import type { PersistentRef } from '../../src/serialize/index.js';
import { FakePersistent, Ghost, decodeContext, encodeContext } from './support/contexts.js';

const registry = new ClassRegistry();

/** The records laid end to end in one buffer (as a storage's cached block holds them), with a view of each. */
function packedBlock(records: Uint8Array[], trailer = 0): Uint8Array[] {
  const total = records.reduce((sum, record) => sum + record.byteLength, trailer);
  const block = new Uint8Array(total).fill(0xc1);
  const views: Uint8Array[] = [];
  let at = 0;
  for (const record of records) {
    block.set(record, at);
    views.push(block.subarray(at, at + record.byteLength));
    at += record.byteLength;
  }
  return views;
}

const bucketState = [['key00000001', 'key00000002'], [1, 2], new FakePersistent(7, 'test.Bucket')];
const states: unknown[] = [
  { name: 'object', count: 1, ratio: 0.5, active: true, tag: 'bench' },
  bucketState,
  { items: new Int32Array([1, -2, 3]), when: new Date(5000), big: 2n ** 70n },
  { shared: new Map([['a', 1]]), set: new Set([1.5, -0]) },
];

describe('decoding records that are views of one shared buffer', () => {
  it('decodes each record to its own state, in any order', () => {
    const views = packedBlock(
      states.map((state) => encodeRecord('test.Holder', state, encodeContext(registry))),
    );
    for (const index of [3, 0, 2, 1, 1, 0, 3, 2]) {
      const { state } = decodeRecord(views[index]!, decodeContext(registry));
      expect(state).toEqual(
        index === 1 ? [bucketState[0], bucketState[1], expect.any(Ghost)] : states[index],
      );
    }
  });

  it('adds no property to the array it is given', () => {
    const [view] = packedBlock([encodeRecord('test.Holder', states[0], encodeContext(registry))]);
    decodeRecord(view!, decodeContext(registry));
    expect(Object.keys(view!).filter((key) => !/^\d+$/.test(key))).toEqual([]);
  });

  it('reports a record cut short inside a larger buffer as corrupted, never reading past its end', () => {
    const record = encodeRecord(
      'test.Holder',
      { text: 'abcdef', n: 1.25 },
      encodeContext(registry),
    );
    const whole = Uint8Array.from(record);
    for (let cut = 1; cut < whole.byteLength; cut++) {
      const block = new Uint8Array(whole.byteLength + 16);
      block.set(whole);
      expect(() =>
        decodeRecord(block.subarray(0, whole.byteLength - cut), decodeContext(registry)),
      ).toThrow(CorruptedDataError);
    }
  });

  it('decodes a record from the same buffer inside a reference callback of another', () => {
    const inner = encodeRecord('test.Inner', { depth: 2, text: 'inner' }, encodeContext(registry));
    const outer = encodeRecord(
      'test.Outer',
      { child: new FakePersistent(3), after: 'outer' },
      encodeContext(registry),
    );
    const [innerView, outerView] = packedBlock([inner, outer]);
    const nested: unknown[] = [];
    const state = decodeRecord(outerView!, {
      registry,
      resolveRef: (ref: PersistentRef) => {
        nested.push(decodeRecord(innerView!, decodeContext(registry)).state);
        return { oid: ref.oid };
      },
    }).state;
    expect(state).toEqual({ child: { oid: 3 }, after: 'outer' });
    expect(nested).toEqual([{ depth: 2, text: 'inner' }]);
  });
});

describe('decoding small records one after another', () => {
  it('leaves the values decoded from one record unchanged by decoding the next', () => {
    const first = encodeRecord(
      'test.Holder',
      { bytes: new Uint8Array([1, 2, 3]), big: 2n ** 70n, text: 'first' },
      encodeContext(registry),
    );
    const second = encodeRecord(
      'test.Holder',
      { bytes: new Uint8Array([9, 9, 9]), big: 2n ** 71n, text: 'other' },
      encodeContext(registry),
    );
    const decoded = decodeRecord(first, decodeContext(registry)).state;
    decodeRecord(second, decodeContext(registry));
    expect(decoded).toEqual({ bytes: new Uint8Array([1, 2, 3]), big: 2n ** 70n, text: 'first' });
  });
});

describe('the references of a record without references', () => {
  it('are a new array on every read', () => {
    const record = encodeRecord('test.Holder', { n: 1 }, encodeContext(registry));
    const first = decodeRecordGeneric(record).references;
    first.push(99);
    expect(decodeRecordGeneric(record).references).toEqual([]);
  });
});
