import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeRecord,
  decodeRecordGeneric,
  encodeRecord,
  toInspectable,
} from '../../src/serialize/index.js';
import { decodeContext, encodeContext } from './support/contexts.js';

/** Nested JSON-like values plus the types JSON lacks: bigint, Date, Map, Set, undefined, -0. */
const { value: storableValue } = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.double(),
    fc.constantFrom(-0, NaN, Infinity, -Infinity, 2 ** 53 - 1, -(2 ** 31), 2 ** 32),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.bigInt(),
    fc.bigInt({ min: -(2n ** 130n), max: 2n ** 130n }),
    fc.date({ noInvalidDate: true }),
  ),
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 5 }),
    fc
      .array(fc.tuple(tie('value'), tie('value')), { maxLength: 4 })
      .map((entries) => new Map(entries)),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => new Set(items)),
  ),
}));

/** A rendering that tells apart everything the codec must keep: types, order, -0, undefined. */
function canonical(value: unknown): string {
  return JSON.stringify(toInspectable(value));
}

describe('round trip of arbitrary nested values', () => {
  it('decodes to a value equal to the one encoded, in type, order and content', () => {
    fc.assert(
      fc.property(storableValue, (value) => {
        const bytes = encodeRecord('test.Any', { value }, encodeContext());
        const decoded = (decodeRecord(bytes, decodeContext()).state as { value: unknown }).value;
        expect(canonical(decoded)).toBe(canonical(value));
        expect(decoded).toStrictEqual(value);
      }),
      { numRuns: 400 },
    );
  });

  it('re-encodes a generic decode to the same bytes', () => {
    fc.assert(
      fc.property(storableValue, (value) => {
        const bytes = encodeRecord('test.Any', { value }, encodeContext());
        const again = encodeRecord('test.Any', decodeRecordGeneric(bytes).state, encodeContext());
        expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
