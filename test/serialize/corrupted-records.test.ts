import { describe, expect, it } from 'vitest';
import {
  ClassRegistry,
  decodeRecord,
  decodeRecordGeneric,
  encodeRecord,
  readRecordHeader,
} from '../../src/serialize/index.js';
import { CorruptedDataError } from '../../src/errors.js';
import { FakePersistent, decodeContext, encodeContext } from './support/contexts.js';

const registry = new ClassRegistry();
class Money {
  amount = 10n;
}
registry.register(Money, 'test.Money');

const small = encodeRecord('app.Person', { name: 'Ada', age: 36, admin: true }, encodeContext());

function richRecord(): Uint8Array {
  const shared = { n: 1 };
  const state = {
    text: 'héllo\ud800',
    numbers: [-0, 1.5, 2 ** 40, NaN],
    big: [5n, 2n ** 100n],
    when: [new Date(1_700_000_000_123), new Date(NaN)],
    map: new Map<unknown, unknown>([[1, shared]]),
    set: new Set([shared, new FakePersistent(4)]),
    bytes: [new Int32Array([1, -1]), Buffer.from('x')],
    pattern: /a/g,
    money: new Money(),
    ref: new FakePersistent(3, 'app.Other', 'elsewhere'),
    bare: Object.create(null) as object,
  };
  return encodeRecord('app.Rich', state, encodeContext(registry));
}

function outcome(action: () => unknown): 'ok' | 'corrupted' | unknown {
  try {
    action();
    return 'ok';
  } catch (error) {
    return error instanceof CorruptedDataError ? 'corrupted' : error;
  }
}

/** A small deterministic PRNG (mulberry32) so failures are reproducible. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('truncated records', () => {
  it.each([
    ['a small record', small],
    ['a structured record with every kind of value', richRecord()],
  ])('%s truncated at every byte fails with CorruptedDataError only', (_, record) => {
    for (let length = 0; length < record.length; length++) {
      const cut = record.subarray(0, length);
      expect([length, outcome(() => decodeRecord(cut, decodeContext(registry)))]).toEqual([
        length,
        'corrupted',
      ]);
      expect([length, outcome(() => decodeRecordGeneric(cut))]).toEqual([length, 'corrupted']);
    }
  });

  it('a header truncated at every byte fails with CorruptedDataError', () => {
    const headerEnd = small.indexOf(0x83); // the state map of 3 entries follows the header
    for (let length = 0; length < headerEnd; length++) {
      expect([length, outcome(() => readRecordHeader(small.subarray(0, length)))]).toEqual([
        length,
        'corrupted',
      ]);
    }
  });
});

describe('damaged records', () => {
  it('a wrong first byte is reported at offset 0', () => {
    const bad = Uint8Array.from(small);
    bad[0] = 0x80;
    expect(() => readRecordHeader(bad)).toThrow(
      expect.objectContaining({ offset: 0, message: expect.stringContaining('not a record') }),
    );
  });

  it('an unknown format version is reported at offset 1', () => {
    const bad = Uint8Array.from(small);
    bad[1] = 2;
    expect(() => decodeRecordGeneric(bad)).toThrow(
      expect.objectContaining({
        offset: 1,
        message: expect.stringContaining('version 2 is not supported'),
      }),
    );
  });

  it('unknown flag bits are reported at offset 2', () => {
    const bad = Uint8Array.from(small);
    bad[2] = 0x40;
    expect(() => decodeRecordGeneric(bad)).toThrow(expect.objectContaining({ offset: 2 }));
  });

  it('bytes after the state are refused', () => {
    const longer = new Uint8Array([...small, 0x01]);
    expect(outcome(() => decodeRecord(longer, decodeContext()))).toBe('corrupted');
  });

  it('a msgpack failure is wrapped with the original as cause and a message naming the record', () => {
    const bad = Uint8Array.from(small);
    bad[bad.length - 1] = 0xdc; // an array 16 header whose length bytes are missing
    let caught: unknown;
    try {
      decodeRecordGeneric(bad);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CorruptedDataError);
    expect((caught as Error).message).toMatch(/^record of class app\.Person is corrupted/);
    expect((caught as Error).cause).toBeInstanceOf(Error);
  });

  it('structure tags in a record not flagged structured are refused', () => {
    const structured = encodeRecord('app.X', { m: new Map([[1, 2]]) }, encodeContext());
    const unflagged = Uint8Array.from(structured);
    unflagged[2] = 0;
    expect(outcome(() => decodeRecordGeneric(unflagged))).toBe('corrupted');
  });

  it('hostile nesting deep enough to overflow the stack is reported as corruption', () => {
    const header = small.subarray(0, small.indexOf(0x83));
    const depth = 200_000;
    const hostile = new Uint8Array(header.length + depth + 1);
    hostile.set(header);
    hostile.fill(0x91, header.length, header.length + depth);
    hostile[hostile.length - 1] = 0xc0;
    expect(outcome(() => decodeRecordGeneric(hostile))).toBe('corrupted');
  });

  it('every single-bit flip of a record either decodes or fails with CorruptedDataError', () => {
    const record = richRecord();
    for (let at = 0; at < record.length; at++) {
      for (let bit = 0; bit < 8; bit++) {
        const flipped = Uint8Array.from(record);
        flipped[at]! ^= 1 << bit;
        const result = outcome(() => decodeRecordGeneric(flipped));
        if (result !== 'ok' && result !== 'corrupted')
          expect([at, bit, result]).toEqual([at, bit, 'corrupted']);
      }
    }
  });

  it('random garbage after a valid prefix fails with CorruptedDataError only', () => {
    const next = random(20_240_601);
    for (let sample = 0; sample < 3000; sample++) {
      const garbage = new Uint8Array(3 + Math.floor(next() * 40));
      garbage.set([0x5a, 1, Math.floor(next() * 2)]);
      for (let i = 3; i < garbage.length; i++) garbage[i] = Math.floor(next() * 256);
      const result = outcome(() => decodeRecordGeneric(garbage));
      if (result !== 'corrupted') expect([sample, result]).toEqual([sample, 'corrupted']);
    }
  });

  it('a non-byte argument is a programmer error, not corruption', () => {
    expect(() => readRecordHeader('Z' as unknown as Uint8Array)).toThrow(TypeError);
  });
});
