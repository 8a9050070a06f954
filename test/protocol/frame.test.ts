import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { encodeFrame, FrameDecoder } from '../../src/protocol/frame.js';
import { decodeMessage, encodeMessage, encodeMessageFrame } from '../../src/protocol/codec.js';

function stream(...payloads: Uint8Array[]): Buffer {
  return Buffer.concat(payloads.map((p) => encodeFrame(p)));
}

describe('frames', () => {
  it('prefix the payload with its length in 4 big-endian bytes', () => {
    const frame = encodeFrame(new Uint8Array([7, 8, 9]));
    expect([...frame]).toEqual([0, 0, 0, 3, 7, 8, 9]);
  });

  it('are cut back into the same payloads wherever the stream is split', () => {
    const payloads = [new Uint8Array([1]), new Uint8Array(300).fill(2), new Uint8Array([3, 4])];
    const bytes = stream(...payloads);
    for (let cut = 0; cut <= bytes.length; cut++) {
      for (const second of [cut, Math.min(bytes.length, cut + 3)]) {
        const decoder = new FrameDecoder();
        const out = [
          ...decoder.push(bytes.subarray(0, cut)),
          ...decoder.push(bytes.subarray(cut, second)),
          ...decoder.push(bytes.subarray(second)),
        ];
        expect(out.map((p) => [...p])).toEqual(payloads.map((p) => [...p]));
        expect(decoder.bufferedBytes).toBe(0);
      }
    }
  });

  it('are cut correctly when the stream arrives one byte at a time', () => {
    const payloads = [new Uint8Array([5, 6]), new Uint8Array([7])];
    const bytes = stream(...payloads);
    const decoder = new FrameDecoder();
    const out: Buffer[] = [];
    for (const byte of bytes) out.push(...decoder.push(new Uint8Array([byte])));
    expect(out.map((p) => [...p])).toEqual([[5, 6], [7]]);
  });

  it('announcing more than maxFrameBytes are refused before the payload is read', () => {
    const decoder = new FrameDecoder(16);
    const header = Buffer.from([0, 0, 0, 17]);
    expect(() => decoder.push(header)).toThrow(ProtocolError);
    expect(() => decoder.push(new Uint8Array([1]))).toThrow(/more than the limit of 16/);
  });

  it('announcing an empty payload are refused', () => {
    expect(() => new FrameDecoder().push(new Uint8Array([0, 0, 0, 0]))).toThrow(/empty payload/);
  });

  it('of exactly maxFrameBytes are accepted', () => {
    const decoder = new FrameDecoder(4);
    expect(decoder.push(encodeFrame(new Uint8Array([1, 2, 3, 4])))).toHaveLength(1);
  });
});

describe('message payloads', () => {
  it('round-trip arrays, maps, binaries and tids (as 8 bytes)', () => {
    const payload = encodeMessage([0, 7, 'load', [5, 0x0102030405060708n, 3]]);
    expect(decodeMessage(payload)).toEqual([
      0,
      7,
      'load',
      [5, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]), 3],
    ]);
  });

  it('that are truncated are protocol errors', () => {
    const payload = encodeMessage([1, 2, { a: 'hello' }]);
    for (let cut = 1; cut < payload.length; cut++) {
      expect(() => decodeMessage(payload.subarray(0, cut))).toThrow(ProtocolError);
    }
  });

  it('with trailing bytes or unknown extensions are protocol errors', () => {
    const payload = Buffer.from(encodeMessage([3, 'x', []]));
    expect(() => decodeMessage(Buffer.concat([payload, Buffer.from([1])]))).toThrow(ProtocolError);
    expect(() => decodeMessage(Buffer.from([0xc7, 1, 5, 0]))).toThrow(ProtocolError);
  });

  it('make a frame in one step', () => {
    const frame = encodeMessageFrame([3, 'ping', []]);
    const [payload] = new FrameDecoder().push(frame);
    expect(decodeMessage(payload!)).toEqual([3, 'ping', []]);
  });
});
