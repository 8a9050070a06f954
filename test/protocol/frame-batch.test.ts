import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMessageFrame, decodeMessage } from '../../src/protocol/codec.js';
import { FrameBatch } from '../../src/protocol/frame-batch.js';
import { FrameDecoder } from '../../src/protocol/frame.js';
import { tidToBytes } from '../../src/ids.js';

/** The messages a batch's bytes decode to. */
function decodeAll(bytes: Uint8Array): unknown[] {
  return new FrameDecoder().push(bytes).map((payload) => decodeMessage(payload));
}

/** Plain arrays for binaries, so decoded Buffers and Uint8Arrays compare equal. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return [...value];
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

const EDGE_INTEGERS = [0, 1, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1];
const EDGE_LENGTHS = [0, 1, 255, 256, 65_535, 65_536];

describe('frame batches', () => {
  it('write store frames byte for byte as the codec encodes the same message', () => {
    for (const value of EDGE_INTEGERS) {
      for (const length of EDGE_LENGTHS) {
        const data = new Uint8Array(length).fill(length % 251);
        const batch = new FrameBatch(64);
        batch.appendStore(value, value, 0x03d5_8a7c_1e2f_4000n, data);
        const expected = encodeMessageFrame([
          3,
          'store',
          [value, value, 0x03d5_8a7c_1e2f_4000n, data],
        ]);
        expect(Buffer.from(batch.take()!).equals(expected)).toBe(true);
      }
    }
  });

  it('decode back to the stores and messages appended, in order, for any values', () => {
    const store = fc.record({
      txnId: fc.integer({ min: 0, max: 0xffff_ffff }),
      oid: fc.maxSafeNat(),
      serial: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      data: fc.uint8Array({ maxLength: 600 }),
    });
    const message = fc.tuple(
      fc.constant(3),
      fc.constant('checkCurrent'),
      fc.array(fc.nat(), { maxLength: 3 }),
    );
    const item = fc.oneof(store, message);
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 40 }),
        fc.integer({ min: 64, max: 2048 }),
        (items, capacity) => {
          const batch = new FrameBatch(capacity);
          for (const it of items) {
            if (Array.isArray(it)) batch.appendMessage(it);
            else batch.appendStore(it.txnId, it.oid, it.serial, it.data);
          }
          expect(batch.count).toBe(items.length);
          const bytes = batch.take();
          const expected = items.map((it) =>
            Array.isArray(it)
              ? it
              : [3, 'store', [it.txnId, it.oid, tidToBytes(it.serial), it.data]],
          );
          expect(bytes === undefined ? [] : plain(decodeAll(bytes))).toEqual(plain(expected));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('start over after take: the next frames are in a new buffer and the taken ones stay intact', () => {
    const batch = new FrameBatch(64);
    batch.appendStore(1, 2, 3n, Uint8Array.of(9, 9));
    const first = batch.take()!;
    const copy = Uint8Array.from(first);
    expect(batch.byteLength).toBe(0);
    expect(batch.count).toBe(0);
    expect(batch.take()).toBeUndefined();
    batch.appendStore(4, 5, 6n, Uint8Array.of(7));
    const second = batch.take()!;
    expect(second.buffer).not.toBe(first.buffer);
    expect([...first]).toEqual([...copy]);
    expect(plain(decodeAll(second))).toEqual([[3, 'store', [4, 5, [...tidToBytes(6n)], [7]]]]);
  });

  it('own the whole buffer they hand out, so it can be transferred', () => {
    const batch = new FrameBatch(64);
    batch.appendStore(1, 1, 1n, new Uint8Array(10));
    const bytes = batch.take()!;
    expect(bytes.byteOffset).toBe(0);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(bytes, [bytes.buffer as ArrayBuffer]);
    expect(bytes.byteLength).toBe(0); // detached: moved, not copied
    port1.close();
    port2.close();
  });

  it('refuse a capacity too small to be useful', () => {
    expect(() => new FrameBatch(10)).toThrow(RangeError);
  });
});
