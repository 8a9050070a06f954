import { describe, expect, it, vi } from 'vitest';
import { CorruptedDataError } from '../../src/errors.js';
import { decodeRecord, encodeRecord, toInspectable } from '../../src/serialize/index.js';
import type { PersistentRef } from '../../src/serialize/index.js';
import { recordUnpackr } from '../../src/serialize/msgpack-codec.js';
import { FakePersistent, Ghost, decodeContext, encodeContext } from './support/contexts.js';

const CLASS_NAME = 'test.Thing';
const REFERENCED_CLASS = 'test.Node';

/**
 * A record of class test.Thing (not structured) whose state is `state`,
 * with a reference table of `oids` (all of class test.Node).
 */
function recordWith(state: number[], oids: number[] = []): Uint8Array {
  const header: number[] = [0x5a, 0x01, 0x00, 0x93, ...str(CLASS_NAME)];
  header.push(0x91, ...str(REFERENCED_CLASS));
  header.push(0xc7, oids.length * 10, 0x29);
  for (const oid of oids) header.push(0, 0, 0, 0, 0, 0, oid >> 8, oid & 0xff, 0, 0);
  return Uint8Array.from([...header, ...state]);
}

function str(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  if (bytes.length < 32) return [0xa0 | bytes.length, ...bytes];
  if (bytes.length < 256) return [0xd9, bytes.length, ...bytes];
  return [0xda, bytes.length >> 8, bytes.length & 0xff, ...bytes];
}

/** What msgpackr alone makes of the state bytes (states without references). */
function msgpackrRead(state: number[]): unknown {
  return recordUnpackr.unpack(Uint8Array.from(state)) as unknown;
}

function decodedState(record: Uint8Array, ctx = decodeContext()): unknown {
  return decodeRecord(record, ctx).state;
}

const ascii = (length: number): string =>
  'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3).slice(0, length);

/** States in every form this format writes into a plain state, as MessagePack bytes. */
const plainForms: Record<string, number[]> = {
  'nil, booleans': [0x93, 0xc0, 0xc2, 0xc3],
  'positive and negative fixints': [0x94, 0x00, 0x7f, 0xe0, 0xff],
  'uint 8, 16, 32': [0x93, 0xcc, 0xff, 0xcd, 0xff, 0xfe, 0xce, 0xff, 0xff, 0xff, 0xfd],
  'int 8, 16, 32': [0x93, 0xd0, 0x80, 0xd1, 0x80, 0x01, 0xd2, 0x80, 0x00, 0x00, 0x02],
  'uint 64 and int 64': [0x92, 0xcf, 0xff, 0, 0, 0, 0, 0, 0, 1, 0xd3, 0xff, 0, 0, 0, 0, 0, 0, 1],
  'float 64': [0x92, 0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0xcb, 0x80, 0, 0, 0, 0, 0, 0, 0],
  'ASCII strings of 0 to 40 bytes': [
    0xdc,
    0,
    41,
    ...Array.from({ length: 41 }, (_, length) => str(ascii(length))).flat(),
  ],
  'non-ASCII strings': [0x93, ...str('é'), ...str('日本語のキー'), ...str('😀'.repeat(20))],
  'str 16 and array 16': [0xdc, 0, 2, 0xda, 0, 3, 0x61, 0x62, 0x63, 0xc0],
  'maps with fixstr and str 8 keys': [
    0x82,
    ...str('short'),
    0x01,
    ...str(ascii(40)),
    0x81,
    ...str('inner'),
    0xc3,
  ],
  'map 16': [0xde, 0, 1, ...str('k'), 0x02],
  'undefined (extension 0)': [0x92, 0xd4, 0x00, 0x00, 0xc0],
  'timestamps of 32, 64 and 96 bits': [
    0x93, 0xd6, 0xff, 0x5f, 0x00, 0x00, 0x01, 0xd7, 0xff, 0x00, 0x0f, 0x42, 0x41, 0x5f, 0x00, 0x00,
    0x01, 0xc7, 12, 0xff, 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
  ],
  'invalid Date, bigint, RegExp, UTF-16 string': [
    0x94, 0xd4, 0x27, 0x00, 0xc7, 9, 0x24, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xc7, 5, 0x26, 0x67, 0x2f,
    0x61, 0x2b, 0x62, 0xd5, 0x28, 0x00, 0xd8,
  ],
  'binary values': [0x92, 0xc7, 9, 0x25, 6, 1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xd5, 0x25, 0, 7],
};

describe('reading states without structures', () => {
  for (const [name, state] of Object.entries(plainForms)) {
    it(`reads ${name} as msgpackr does, without msgpackr`, () => {
      const unpack = vi.spyOn(recordUnpackr, 'unpack');
      let decoded: unknown;
      try {
        decoded = decodedState(recordWith(state));
        expect(unpack).not.toHaveBeenCalled();
      } finally {
        unpack.mockRestore();
      }
      expect(decoded).toStrictEqual(msgpackrRead(state));
    });
  }

  it('reads the values it cannot read itself (bin, float 32, __proto__ and number keys) as msgpackr does', () => {
    const state = [
      0x94,
      0xc4,
      2,
      7,
      8,
      0xca,
      0x3f,
      0xc0,
      0x00,
      0x00,
      0x81,
      ...str('__proto__'),
      0x01,
      0x81,
      0x05,
      0x02,
    ];
    const decoded = decodedState(recordWith(state));
    expect(decoded).toStrictEqual(msgpackrRead(state));
    expect((decoded as unknown[])[2]).toStrictEqual({ __proto_: 1 });
    expect((decoded as unknown[])[3]).toStrictEqual({ 5: 2 });
  });

  it('rejects a truncated state with CorruptedDataError', () => {
    for (const state of [
      [0x92, 0x01],
      [0xa5, 0x61],
      [0xcb, 0x3f],
      [0xd6, 0xff, 0, 0],
    ]) {
      expect(() => decodedState(recordWith(state))).toThrow(CorruptedDataError);
    }
  });

  it('rejects bytes after the state with CorruptedDataError', () => {
    expect(() => decodedState(recordWith([0x01, 0x02]))).toThrow(CorruptedDataError);
  });

  it('resolves each reference once, also when msgpackr reads the state again', () => {
    // The bin value makes the fast reader give up after resolving the reference.
    const ctx = decodeContext();
    const state = decodedState(
      recordWith([0x93, 0xd4, 0x20, 0x00, 0xd4, 0x20, 0x00, 0xc4, 1, 9], [3]),
      ctx,
    ) as unknown[];
    expect(ctx.resolved).toEqual([{ oid: 3, className: REFERENCED_CLASS }]);
    expect(state[0]).toBeInstanceOf(Ghost);
    expect(state[1]).toBe(state[0]);
    expect(state[2]).toStrictEqual(Uint8Array.of(9));
  });

  it('calls resolveRef once per cross-database reference written', () => {
    const other = new FakePersistent(4, 'test.Node', 'other');
    const record = encodeRecord(CLASS_NAME, [other, other], encodeContext());
    const ctx = decodeContext();
    const state = decodedState(record, ctx) as Ghost[];
    expect(ctx.resolved).toEqual([
      { oid: 4, className: 'test.Node', database: 'other' },
      { oid: 4, className: 'test.Node', database: 'other' },
    ]);
    expect(state[0]).toBe(state[1]);
  });

  it('decodes another record from inside resolveRef, and then the rest of the first', () => {
    const inner = encodeRecord(CLASS_NAME, { keys: ['a', 'b'], n: 1.5 }, encodeContext());
    const outer = encodeRecord(
      CLASS_NAME,
      [new FakePersistent(1), 'after', [1, 2, 3]],
      encodeContext(),
    );
    const nested: unknown[] = [];
    const state = decodeRecord(outer, {
      resolveRef: (ref: PersistentRef) => {
        nested.push(decodeRecord(inner, decodeContext()).state);
        return new Ghost(ref);
      },
    }).state;
    expect(nested).toStrictEqual([{ keys: ['a', 'b'], n: 1.5 }]);
    expect(state).toStrictEqual([
      new Ghost({ oid: 1, className: 'test.Node' }),
      'after',
      [1, 2, 3],
    ]);
  });

  it('does not alias the record bytes: a map key is read right after its buffer is reused', () => {
    // A storage may read record after record into one buffer. The decoder
    // remembers map keys by their bytes; it must keep a copy of them, not a
    // view (a Buffer's `slice` is a view): with a view, the remembered
    // bytes of "alpha" would change with the buffer, and a later key with
    // those bytes would be read as "alpha".
    const reused = Buffer.from(recordWith([0x81, ...str('alpha'), 0x01]));
    expect(decodedState(reused)).toStrictEqual({ alpha: 1 });
    const keyAt = reused.length - 6;
    for (let i = 0; i < 3000; i++) {
      const key = (i * 7919).toString(36).padStart(5, 'q').slice(-5);
      reused.set(Buffer.from(key), keyAt);
      const fresh = Buffer.from(recordWith([0x81, ...str(key), 0x01]));
      expect(decodedState(fresh)).toStrictEqual({ [key]: 1 });
    }
  });

  it('reads thousands of distinct map keys, each as its own text', () => {
    const object = Object.fromEntries(
      Array.from({ length: 3000 }, (_, i) => [`k${i.toString(36)}`, i]),
    );
    const record = encodeRecord(CLASS_NAME, object, encodeContext());
    expect(decodedState(record)).toStrictEqual(object);
    expect(decodedState(record)).toStrictEqual(object);
  });
});

/** The record with its structured flag set: decoded by msgpackr and the structure pass, as before the plain reader. */
function flaggedStructured(record: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(record);
  copy[2] = 1;
  return copy;
}

function decodeOrError(record: Uint8Array): { state: unknown } | { error: unknown } {
  try {
    return { state: toInspectable(decodeRecord(record, decodeContext()).state) };
  } catch (error) {
    return { error };
  }
}

describe('damaged plain states', () => {
  const records = {
    bucket: encodeRecord(
      'test.Bucket',
      [['key00000001', 'key00000002', 'k\u00e9y'], [1, -2, 3.5], new FakePersistent(9)],
      encodeContext(),
    ),
    object: encodeRecord(
      CLASS_NAME,
      { name: 'object', count: 300, big: 2n ** 63n, when: new Date(1500), items: Int32Array.of(1) },
      encodeContext(),
    ),
  };

  for (const [name, record] of Object.entries(records)) {
    it(`decode (${name}, every bit flipped in turn) to what msgpackr reads, or fail as corrupted`, () => {
      const stateStart = record.length - 40;
      for (let bit = stateStart * 8; bit < record.length * 8; bit++) {
        const damaged = Uint8Array.from(record);
        damaged[bit >> 3]! ^= 1 << (bit & 7);
        const plain = decodeOrError(damaged);
        if ('error' in plain) {
          expect(plain.error).toBeInstanceOf(CorruptedDataError);
          continue;
        }
        // Read without error: msgpackr must read the same value.
        expect(decodeOrError(flaggedStructured(damaged))).toStrictEqual(plain);
      }
    });
  }
});
