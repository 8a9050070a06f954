import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { decodeMessage, encodeMessage } from '../../src/protocol/codec.js';
import { readEnvelope } from '../../src/protocol/envelope.js';
import {
  isRequestMethod,
  parseClientNotificationArgs,
  parseRequestArgs,
} from '../../src/protocol/request-args.js';

function wire(value: unknown): unknown {
  return decodeMessage(encodeMessage(value));
}

describe('envelopes', () => {
  it('are read for each of the four kinds', () => {
    expect(readEnvelope(wire([0, 1, 'ping', []]))).toEqual({
      kind: 0,
      id: 1,
      method: 'ping',
      args: [],
    });
    expect(readEnvelope(wire([1, 1, null]))).toEqual({ kind: 1, id: 1, result: null });
    expect(readEnvelope(wire([2, 1, { type: 'X', message: 'm' }]))).toMatchObject({
      kind: 2,
      id: 1,
    });
    expect(readEnvelope(wire([3, 'invalidate', [1n, [1]]]))).toMatchObject({
      kind: 3,
      method: 'invalidate',
    });
  });

  it('of unknown shapes are protocol errors', () => {
    for (const bad of [
      5,
      'x',
      [],
      [9, 1, 2],
      [0, -1, 'ping', []],
      [0, 1, 2, []],
      [0, 1, 'ping', 'x'],
      [3, 'x'],
    ]) {
      expect(() => readEnvelope(wire(bad))).toThrow(ProtocolError);
    }
  });
});

describe('request arguments', () => {
  it('are narrowed with tids as bigints', () => {
    expect(parseRequestArgs('load', wire([3, 0x10n, 2]) as unknown[])).toEqual([3, 0x10n, 2]);
    const register = parseRequestArgs(
      'register',
      wire([
        { protocol: 'zodb-ts/1', storage: '1', readOnly: false, lastTid: null, token: 's' },
      ]) as unknown[],
    );
    expect(register[0]).toMatchObject({ storage: '1', lastTid: null, token: 's' });
  });

  it('of the wrong type or count are protocol errors naming the argument', () => {
    expect(() => parseRequestArgs('load', wire(['x', 1n, 0]) as unknown[])).toThrow(
      /request load argument 0/,
    );
    expect(() => parseRequestArgs('load', wire([1, 5, 0]) as unknown[])).toThrow(
      /argument 1 must be a tid/,
    );
    expect(() => parseRequestArgs('load', [1])).toThrow(/takes 3 arguments/);
    expect(() => parseRequestArgs('newOids', [0])).toThrow(ProtocolError);
    expect(() => parseRequestArgs('blobRead', wire([1, 1n, 0, 1 << 30]) as unknown[])).toThrow(
      ProtocolError,
    );
  });

  it('are known only for the methods of the protocol', () => {
    expect(isRequestMethod('load')).toBe(true);
    expect(isRequestMethod('toString')).toBe(false);
    expect(isRequestMethod('__proto__')).toBe(false);
  });
});

describe('notification arguments', () => {
  it('of a store are narrowed', () => {
    const args = parseClientNotificationArgs(
      'store',
      wire([1, 5, 0n, new Uint8Array([1])]) as unknown[],
    );
    expect(args).toEqual([1, 5, 0n, Buffer.from([1])]);
  });

  it('with a map where bytes belong are refused', () => {
    expect(() =>
      parseClientNotificationArgs('store', wire([1, 5, 0n, { a: 1 }]) as unknown[]),
    ).toThrow(/argument 3 must be binary data/);
  });
});
