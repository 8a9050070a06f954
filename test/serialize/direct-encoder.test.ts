import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodePlainRecord } from '../../src/serialize/direct-encoder.js';
import { encodeGeneral } from '../../src/serialize/record-encoder.js';
import { decodeRecord, encodeRecord, readRecordHeader } from '../../src/serialize/index.js';
import { isWriteOnce } from '../../src/write-once-bytes.js';
import { FakePersistent, decodeContext, encodeContext } from './support/contexts.js';

/** Values a plain state is made of, plus a few that make the direct path give up. */
const { value: anyValue } = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.string({ unit: 'grapheme', minLength: 20, maxLength: 90 }),
    fc.string({ unit: 'binary-ascii', minLength: 60, maxLength: 300 }),
    fc.double(),
    fc.constantFrom(-0, NaN, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x1_0000, 2 ** 32 - 1, 2 ** 32),
    fc.constantFrom(-0x20, -0x21, -0x80, -0x81, -0x8000, -0x8001, -(2 ** 31), -(2 ** 31) - 1),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.bigInt({ min: -(2n ** 66n), max: 2n ** 66n }),
    fc.integer({ min: 0, max: 40 }).map((oid) => new FakePersistent(oid, `test.C${oid % 4}`)),
    fc.uint8Array({ maxLength: 20 }),
    fc.float64Array({ maxLength: 4 }),
    fc.constantFrom(new Date(0), new FakePersistent(7, 'test.C', 'other')),
  ),
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    fc.array(tie('value'), { maxLength: 20 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 18 }),
    fc
      .array(fc.tuple(tie('value'), tie('value')), { maxLength: 2 })
      .map((entries) => new Map(entries)),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => new Set(items)),
  ),
}));

function bytesOf(record: Uint8Array): string {
  return Buffer.from(record).toString('hex');
}

describe('the direct encoding path of plain states', () => {
  it('writes exactly the bytes of the general path, asking persistentRef once per object', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        const state = { value };
        const direct = encodeContext();
        const general = encodeContext();
        const record = encodeRecord('test.Any', state, direct);
        expect(bytesOf(record)).toBe(bytesOf(encodeGeneral('test.Any', state, general)));
        expect(direct.offered).toEqual(general.offered);
      }),
      { numRuns: 1500 },
    );
  });

  it('takes plain states: objects, arrays, primitives, binary data and references', () => {
    const state = {
      name: 'Ada',
      count: 3,
      ratio: 0.5,
      big: 2n ** 40n,
      flags: [true, false, null, undefined],
      owner: new FakePersistent(5, 'app.Person'),
      bytes: new Uint8Array([1, 2, 3]),
      nested: { list: [new FakePersistent(6, 'app.Person'), 'x'.repeat(300)] },
    };
    const result = encodePlainRecord('app.Thing', state, encodeContext());
    expect(result).toBeInstanceOf(Uint8Array);
    const record = result as Uint8Array;
    expect(readRecordHeader(record)).toEqual({ className: 'app.Thing', references: [5, 6] });
    const decoded = decodeRecord(record, decodeContext()).state as typeof state;
    expect(decoded.name).toBe('Ada');
    expect(decoded.big).toBe(2n ** 40n);
    expect(decoded.nested.list[1]).toBe('x'.repeat(300));
    expect([...decoded.bytes]).toEqual([1, 2, 3]);
  });

  it.each([
    ['a Date', { d: new Date(0) }],
    ['a Map holding a Date', { m: new Map([[1, new Date(0)]]) }],
    ['a string with a lone surrogate', { s: 'a\ud800b' }],
    ['a long string with a lone surrogate', { s: 'a'.repeat(100) + '\udc00' }],
    ['a key with a lone surrogate', { ['k\ud800']: 1 }],
    [
      'a container met twice',
      (() => {
        const shared = [1];
        return { a: shared, b: shared };
      })(),
    ],
    ['a cross-database reference', { r: new FakePersistent(1, 'test.C', 'other') }],
    ['a bigint beyond 64 bits', { b: 2n ** 70n }],
    [
      'more than 65,536 distinct references',
      { refs: Array.from({ length: 0x1_0001 }, (_, i) => new FakePersistent(i)) },
    ],
    [
      'more than 15 referenced classes',
      {
        refs: Array.from({ length: 16 }, (_, i) => new FakePersistent(i, `test.C${i}`)),
      },
    ],
    ['more than 64 containers', { list: Array.from({ length: 70 }, () => ({})) }],
  ])('leaves the state to the general path when it holds %s, with the same result', (_, state) => {
    const ctx = encodeContext();
    expect(encodePlainRecord('test.Any', state, ctx)).not.toBeInstanceOf(Uint8Array);
    const viaRecord = encodeContext();
    const viaGeneral = encodeContext();
    expect(bytesOf(encodeRecord('test.Any', state, viaRecord))).toBe(
      bytesOf(encodeGeneral('test.Any', state, viaGeneral)),
    );
    expect(viaRecord.offered).toEqual(viaGeneral.offered);
  });

  it('takes Maps, Sets and long reference tables, to the bytes of the general path', () => {
    const refs = Array.from({ length: 600 }, (_, i) => new FakePersistent(i % 400));
    const state = {
      map: new Map<unknown, unknown>(refs.map((ref, i) => [i, ref])),
      set: new Set(['a', 1, null]),
      refs,
    };
    const result = encodePlainRecord('test.Any', state, encodeContext());
    expect(result).toBeInstanceOf(Uint8Array);
    expect(bytesOf(result as Uint8Array)).toBe(
      bytesOf(encodeGeneral('test.Any', state, encodeContext())),
    );
    expect(readRecordHeader(result as Uint8Array).references).toHaveLength(400);
  });

  it('never changes a record it returned, and gives a large record a buffer of its own', () => {
    const first = encodeRecord('test.Any', { n: 1, s: 'first' }, encodeContext());
    const copy = bytesOf(first);
    const large = encodeRecord('test.Any', { s: 'y'.repeat(5000) }, encodeContext());
    for (let i = 0; i < 2000; i++) encodeRecord('test.Any', { n: i, s: 'later' }, encodeContext());
    expect(bytesOf(first)).toBe(copy);
    // Small records are views of write-once slabs (storages may keep them
    // uncopied); a large record's own buffer is a pooled one, not marked.
    expect(isWriteOnce(first)).toBe(true);
    expect(isWriteOnce(large)).toBe(false);
    expect(large.byteOffset).toBe(0);
    expect(large.buffer.byteLength).toBeLessThan(5000 + 16 * 1024);
    const small = encodeRecord('test.Any', { n: 2 }, encodeContext());
    expect(small.buffer.byteLength).toBeLessThanOrEqual(16 * 1024);
  });

  it('writes a state of megabytes, and small states after it, to the bytes of the general path', () => {
    const large = { items: Array.from({ length: 3000 }, (_, i) => 'z'.repeat(700) + i) };
    expect(bytesOf(encodeRecord('test.Any', large, encodeContext()))).toBe(
      bytesOf(encodeGeneral('test.Any', large, encodeContext())),
    );
    const small = { n: 1, s: 'after' };
    expect(bytesOf(encodeRecord('test.Any', small, encodeContext()))).toBe(
      bytesOf(encodeGeneral('test.Any', small, encodeContext())),
    );
  });

  it('encodes a record from inside a persistentRef callback (the inner one by the general path)', () => {
    const outer = encodeContext();
    const inner: Uint8Array[] = [];
    const ctx = {
      ...outer,
      persistentRef(value: object) {
        if (value instanceof FakePersistent) {
          inner.push(encodeRecord('test.Inner', { own: value.oid }, encodeContext()));
        }
        return outer.persistentRef(value);
      },
    };
    const record = encodeRecord('test.Outer', { a: new FakePersistent(3) }, ctx);
    expect(readRecordHeader(record).references).toEqual([3]);
    expect(decodeRecord(inner[0]!, decodeContext()).state).toEqual({ own: 3 });
  });
});
