import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BTreesConflictError,
  ClientDisconnectedError,
  ConflictError,
  CorruptedDataError,
  DanglingReferenceError,
  FileStorageQuotaError,
  POSError,
  POSKeyError,
  ProtocolError,
  ReadConflictError,
  ReadOnlyError,
  StorageError,
  StorageSystemError,
  StorageTransactionError,
  TransactionTooLargeError,
  UndoError,
  Unsupported,
  ZODBError,
} from '../../src/errors.js';
import { decodeMessage, encodeMessage } from '../../src/protocol/codec.js';
import { errorFromWire, errorToWire, WIRE_ERROR_TYPES } from '../../src/protocol/wire-errors.js';

function roundTrip(error: unknown): Error {
  return errorFromWire(decodeMessage(encodeMessage(errorToWire(error))));
}

const samples: Error[] = [
  new ConflictError({
    oid: 3,
    className: 'Account',
    committedSerial: 9n,
    oldSerial: 4n,
    reason: 'both changed',
  }),
  new ReadConflictError({ oid: 4, committedSerial: 10n, oldSerial: 2n }),
  new BTreesConflictError(5, 'bucket split', { oid: 6 }),
  new POSKeyError(7, 0x0102n),
  new POSKeyError(8),
  new UndoError('a later transaction changed them', [1, 2]),
  new DanglingReferenceError(1, 99),
  new CorruptedDataError('bad record', { path: '/x/Data.fs', offset: 42 }),
  new FileStorageQuotaError('/x/Data.fs', 100, 200),
  new ProtocolError('bad frame', '127.0.0.1:5'),
  new ClientDisconnectedError('gone', 'localhost:8100'),
  new StorageTransactionError('wrong transaction'),
  new TransactionTooLargeError('too big'),
  new ReadOnlyError('read-only'),
  new AuthenticationError('wrong token'),
  new StorageSystemError('disk full'),
  new StorageError('storage failed'),
  new Unsupported('no undo'),
  new POSError('pos'),
  new ZODBError('root'),
];

describe('errors on the wire', () => {
  it('cover every class that has a wire codec', () => {
    expect(new Set(samples.map((e) => e.name))).toEqual(new Set(WIRE_ERROR_TYPES));
  });

  for (const error of samples) {
    it(`rebuild a ${error.name} with its class, message and fields`, () => {
      const back = roundTrip(error);
      expect(back.constructor).toBe(error.constructor);
      expect(back.message).toBe(error.message);
      for (const [key, value] of Object.entries(error)) {
        if (key === 'cause') continue;
        expect((back as unknown as Record<string, unknown>)[key]).toEqual(value);
      }
    });
  }

  it('turn errors of unknown classes into StorageError naming the class', () => {
    const back = roundTrip(new TypeError('x is undefined'));
    expect(back).toBeInstanceOf(StorageError);
    expect(back.message).toContain('TypeError: x is undefined');
  });

  it('turn an unknown remote type into StorageError naming the type', () => {
    const back = errorFromWire({ type: 'MysteryError', message: 'boom' });
    expect(back).toBeInstanceOf(StorageError);
    expect(back.message).toContain('MysteryError');
  });

  it('refuse malformed error maps', () => {
    expect(() => errorFromWire('oops')).toThrow(ProtocolError);
    expect(() => errorFromWire({ type: 1, message: 'x' })).toThrow(ProtocolError);
    expect(() =>
      errorFromWire({ type: 'POSKeyError', message: 'x', details: { oid: 'a' } }),
    ).toThrow(ProtocolError);
  });
});
