import { describe, expect, it } from 'vitest';
import { ClassRegistry, decodeRecord, encodeRecord } from '../../src/serialize/index.js';
import { decodeContext, encodeContext } from './support/contexts.js';

const registry = new ClassRegistry();

describe('the bytes encodeRecord returns', () => {
  it('never change when later records are encoded', () => {
    const records = Array.from({ length: 2000 }, (_, i) =>
      encodeRecord('test.Holder', { i, text: 'x'.repeat(i % 300) }, encodeContext(registry)),
    );
    const snapshots = records.map((bytes) => Uint8Array.from(bytes));
    for (let i = 0; i < 2000; i++) {
      encodeRecord('test.Holder', { other: i, filler: 'y'.repeat(500) }, encodeContext(registry));
    }
    records.forEach((bytes, i) => expect(Uint8Array.from(bytes)).toEqual(snapshots[i]));
    expect(decodeRecord(records[1999]!, decodeContext(registry)).state).toEqual({
      i: 1999,
      text: 'x'.repeat(1999 % 300),
    });
  });

  it('do not keep a large record buffer alive in the small records encoded after it', () => {
    const large = encodeRecord(
      'test.Holder',
      { blob: 'z'.repeat(200_000) },
      encodeContext(registry),
    );
    expect(large.byteLength).toBeGreaterThan(200_000);
    for (let i = 0; i < 100; i++) {
      const small = encodeRecord('test.Holder', { i }, encodeContext(registry));
      expect(small.buffer.byteLength).toBeLessThanOrEqual(64 * 1024);
    }
  });
});
