import { describe, expect, it } from 'vitest';
import type { PersistentReference } from '../../src/serialize/index.js';
import {
  decodeRecord,
  decodeRecordGeneric,
  encodeRecord,
  readRecordHeader,
} from '../../src/serialize/index.js';
import { FakePersistent, decodeContext, encodeContext } from './support/contexts.js';

/** Counts on both sides of the point where the encoder's tables stop being scanned lists. */
const COUNTS = [1, 15, 16, 17, 40];

describe.each(COUNTS)('a state with %i of each kind of entry', (count) => {
  const targets = Array.from(
    { length: count },
    (_, i) => new FakePersistent(1000 + i, `test.Class${i % Math.max(1, count - 1)}`),
  );
  const shared = Array.from({ length: count }, (_, i) => ({ i }));
  // Every target and shared object appears twice, the second time in reverse order.
  const state = {
    first: targets.map((target, i) => [target, shared[i]]),
    again: [...targets].reverse().map((target, i) => [target, shared[count - 1 - i]]),
  };

  it('lists each referenced oid once, in order of first use', () => {
    const record = encodeRecord('test.Holder', state, encodeContext());
    expect(readRecordHeader(record).references).toEqual(targets.map((target) => target.oid));
  });

  it('names each reference with its own class', () => {
    const record = encodeRecord('test.Holder', state, encodeContext());
    const decoded = decodeRecordGeneric(record).state as typeof state;
    const names = decoded.again.map(([ref]) => (ref as unknown as PersistentReference).className);
    expect(names).toEqual([...targets].reverse().map((target) => target.className));
  });

  it('brings each shared object back as one object', () => {
    const record = encodeRecord('test.Holder', state, encodeContext());
    const decoded = decodeRecord(record, decodeContext()).state as typeof state;
    for (let i = 0; i < count; i++) {
      expect(decoded.again[count - 1 - i]![1]).toBe(decoded.first[i]![1]);
      expect(decoded.again[count - 1 - i]![0]).toBe(decoded.first[i]![0]);
    }
  });
});
