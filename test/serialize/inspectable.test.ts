import { describe, expect, it } from 'vitest';
import {
  ClassRegistry,
  PersistentReference,
  ValueObject,
  decodeRecordGeneric,
  encodeRecord,
  toInspectable,
} from '../../src/serialize/index.js';
import { FakePersistent, encodeContext } from './support/contexts.js';

describe('toInspectable', () => {
  it('renders persistent references with hex oid, class and database', () => {
    expect(
      toInspectable([
        new PersistentReference(26, 'app.Book'),
        new PersistentReference(1, 'x.Y', 'db'),
      ]),
    ).toEqual([
      { $ref: '0x000000000000001a', class: 'app.Book' },
      { $ref: '0x0000000000000001', class: 'x.Y', database: 'db' },
    ]);
  });

  it('renders what JSON cannot hold as $-marker objects', () => {
    expect(
      toInspectable({
        big: 12345678901234567890n,
        missing: undefined,
        nan: NaN,
        inf: -Infinity,
        negativeZero: -0,
        when: new Date(Date.UTC(2024, 1, 3, 4, 5, 6, 7)),
        never: new Date(NaN),
        pattern: /a.b/i,
      }),
    ).toEqual({
      big: { $bigint: '12345678901234567890' },
      missing: { $undefined: true },
      nan: { $number: 'NaN' },
      inf: { $number: '-Infinity' },
      negativeZero: { $number: '-0' },
      when: { $date: '2024-02-03T04:05:06.007Z' },
      never: { $date: 'Invalid Date' },
      pattern: { $regexp: '/a.b/i' },
    });
  });

  it('renders Maps and Sets as ordered arrays', () => {
    expect(
      toInspectable({
        m: new Map<unknown, unknown>([
          [2, 'b'],
          [{ k: 1 }, 'a'],
        ]),
        s: new Set(['z', 'a']),
      }),
    ).toEqual({
      m: {
        $map: [
          [2, 'b'],
          [{ k: 1 }, 'a'],
        ],
      },
      s: { $set: ['z', 'a'] },
    });
  });

  it('summarizes binary data', () => {
    expect(toInspectable(new Int32Array([1, -2, 3]), { previewItems: 2 })).toEqual({
      $binary: 'Int32Array',
      length: 3,
      preview: [1, -2],
    });
    expect(toInspectable(Buffer.from('abc'), { previewItems: 2 })).toEqual({
      $binary: 'Buffer',
      length: 3,
      hex: '6162…',
    });
    expect(toInspectable(new BigInt64Array([5n]))).toEqual({
      $binary: 'BigInt64Array',
      length: 1,
      preview: ['5'],
    });
    expect(toInspectable(new ArrayBuffer(1))).toEqual({
      $binary: 'ArrayBuffer',
      length: 1,
      hex: '00',
    });
  });

  it('renders value objects and registered instances with their class name', () => {
    class Money {
      amount = 5;
    }
    const registry = new ClassRegistry();
    registry.register(Money, 'shop.Money');
    expect(
      toInspectable([new ValueObject('shop.Money', { amount: 5 }), new Money()], { registry }),
    ).toEqual([
      { $class: 'shop.Money', state: { amount: 5 } },
      { $class: 'shop.Money', state: { amount: 5 } },
    ]);
  });

  it('renders an object met again as a pointer to its first path, so cycles terminate', () => {
    const shared = { n: 1 };
    const state: Record<string, unknown> = { a: shared, list: [shared] };
    state['self'] = state;
    expect(toInspectable(state)).toEqual({
      a: { n: 1 },
      list: [{ $seen: 'a' }],
      self: { $seen: '(root)' },
    });
  });

  it('escapes plain keys that start with $ so they never read as markers', () => {
    expect(toInspectable({ $ref: 'not a reference', plain: 1 })).toEqual({
      $$ref: 'not a reference',
      plain: 1,
    });
  });

  it('turns a generically decoded record into text JSON.stringify accepts', () => {
    const registry = new ClassRegistry();
    class Tag {
      label = 'x';
    }
    registry.register(Tag, 'test.Tag');
    const state = {
      ref: new FakePersistent(3),
      tags: new Set([new Tag()]),
      big: 2n ** 80n,
      when: new Date(0),
    };
    const decoded = decodeRecordGeneric(encodeRecord('app.Thing', state, encodeContext(registry)));
    const json = JSON.parse(JSON.stringify(toInspectable(decoded.state))) as unknown;
    expect(json).toEqual({
      ref: { $ref: '0x0000000000000003', class: 'test.Node' },
      tags: { $set: [{ $class: 'test.Tag', state: { label: 'x' } }] },
      big: { $bigint: '1208925819614629174706176' },
      when: { $date: '1970-01-01T00:00:00.000Z' },
    });
  });
});
