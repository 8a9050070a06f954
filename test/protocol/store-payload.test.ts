import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMessage } from '../../src/protocol/codec.js';
import { readStorePayload } from '../../src/protocol/store-payload.js';

const storeArgs = fc.tuple(
  fc.integer({ min: 0, max: 0xffff_ffff }),
  fc.maxSafeNat(),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.integer({ min: 65_530, max: 65_540 }).map((n) => new Uint8Array(n).fill(n % 251)),
  ),
);

function payloadOf(message: unknown): Buffer {
  return Buffer.from(encodeMessage(message));
}

describe('the store payload reader', () => {
  it('reads back every store the codec encodes', () => {
    fc.assert(
      fc.property(storeArgs, ([txnId, oid, serial, data]) => {
        const read = readStorePayload(payloadOf([3, 'store', [txnId, oid, serial, data]]));
        expect(read).toBeDefined();
        const [readTxnId, readOid, readSerial, readData] = read!;
        expect([readTxnId, readOid, readSerial]).toEqual([txnId, oid, serial]);
        expect(Buffer.from(readData).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('leaves every other message to the general decoder', () => {
    const others: unknown[] = [
      [3, 'checkCurrent', [1, 2, 3n]],
      [3, 'store', [1, 2, 3n]],
      [3, 'store', [1, 2, 3n, new Uint8Array(2), 5]],
      [3, 'store', [1, 2, new Uint8Array(7), new Uint8Array(2)]],
      [3, 'store', [-1, 2, 3n, new Uint8Array(2)]],
      [3, 'store', [2 ** 32, 2, 3n, new Uint8Array(2)]],
      [3, 'store', [1, 2.5, 3n, new Uint8Array(2)]],
      [3, 'store', [1, 2, 3n, 'text']],
      [0, 1, 'store', [1, 2, 3n, new Uint8Array(2)]],
    ];
    for (const message of others) expect(readStorePayload(payloadOf(message))).toBeUndefined();
  });

  it('refuses a store whose bytes are cut short or followed by more', () => {
    const payload = payloadOf([3, 'store', [7, 300, 9n, new Uint8Array(40).fill(1)]]);
    expect(readStorePayload(payload)).toBeDefined();
    for (let cut = 0; cut < payload.length; cut++) {
      expect(readStorePayload(payload.subarray(0, cut))).toBeUndefined();
    }
    expect(readStorePayload(Buffer.concat([payload, Buffer.of(0)]))).toBeUndefined();
  });
});
