import { describe, expect, it } from 'vitest';
import { ClassRegistry, decodeRecord, encodeRecord } from '../../src/serialize/index.js';
import { UnknownClassError } from '../../src/errors.js';
import { decodeContext, encodeContext } from './support/contexts.js';

const registry = new ClassRegistry();

function roundTrip<T>(state: T, reg: ClassRegistry = registry): T {
  const bytes = encodeRecord('test.Holder', state, encodeContext(reg));
  const decoded = decodeRecord(bytes, decodeContext(reg));
  expect(decoded.className).toBe('test.Holder');
  return decoded.state as T;
}

describe('strings', () => {
  it.each([
    ['empty', ''],
    ['ascii', 'hello'],
    ['accents and CJK', 'déjà vu 東京'],
    ['astral characters', '𝄞 music 😀'],
    ['long', 'x'.repeat(70_000)],
    ['NUL bytes', 'a\u0000b'],
  ])('%s string comes back equal', (_, text) => {
    expect(roundTrip({ text }).text).toBe(text);
  });

  it('keeps unpaired surrogates that UTF-8 cannot carry', () => {
    const state = { high: '\ud800', low: 'x\udc00y', reversed: '\udc00\ud800' };
    expect(roundTrip(state)).toStrictEqual(state);
  });
});

describe('numbers', () => {
  it.each([
    0,
    1,
    -1,
    127,
    128,
    255,
    -32,
    -33,
    65_535,
    0xffff_ffff,
    -0x8000_0000,
    2 ** 32,
    2 ** 40,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
    1.5,
    -1.5,
    0.1,
    Number.MIN_VALUE,
    Number.MAX_VALUE,
    Number.EPSILON,
    Infinity,
    -Infinity,
  ])('%d comes back as the same number', (value) => {
    const decoded = roundTrip({ value }).value;
    expect(typeof decoded).toBe('number');
    expect(decoded).toBe(value);
  });

  it('keeps NaN', () => {
    expect(roundTrip({ value: NaN }).value).toBeNaN();
  });

  it('keeps negative zero distinct from zero', () => {
    const decoded = roundTrip({ negative: -0, positive: 0, inArray: [-0] });
    expect(Object.is(decoded.negative, -0)).toBe(true);
    expect(Object.is(decoded.positive, 0)).toBe(true);
    expect(Object.is(decoded.inArray[0], -0)).toBe(true);
  });
});

describe('booleans, null and undefined', () => {
  it('keeps true, false and null', () => {
    expect(roundTrip({ t: true, f: false, n: null })).toStrictEqual({ t: true, f: false, n: null });
  });

  it('keeps a property whose value is undefined', () => {
    const decoded = roundTrip({ before: 1, missing: undefined, after: 2 });
    expect(Object.keys(decoded)).toEqual(['before', 'missing', 'after']);
    expect(decoded.missing).toBeUndefined();
  });

  it('keeps undefined elements of arrays', () => {
    const decoded = roundTrip([1, undefined, 3]);
    expect(decoded).toHaveLength(3);
    expect(1 in decoded).toBe(true);
    expect(decoded[1]).toBeUndefined();
  });

  it('stores undefined as the whole state', () => {
    expect(roundTrip(undefined)).toBeUndefined();
  });
});

describe('bigint', () => {
  it.each([
    0n,
    5n,
    -5n,
    2n ** 53n + 1n,
    2n ** 63n - 1n,
    -(2n ** 63n),
    2n ** 63n,
    2n ** 64n - 1n,
    2n ** 64n,
    -(2n ** 63n) - 1n,
    2n ** 200n + 12345n,
    -(2n ** 200n),
    -(2n ** 71n),
    2n ** 71n - 1n,
  ])('%s comes back as the same bigint', (value) => {
    const decoded = roundTrip({ value }).value;
    expect(typeof decoded).toBe('bigint');
    expect(decoded).toBe(value);
  });
});

describe('Date', () => {
  it.each([
    ['now', Date.now()],
    ['the epoch', 0],
    ['whole seconds', Date.UTC(2024, 0, 1)],
    ['milliseconds', Date.UTC(2024, 0, 1, 12, 30, 15, 123)],
    ['before 1970 with milliseconds', -500],
    ['long before 1970', Date.UTC(1601, 5, 7, 8, 9, 10, 999)],
    ['after 2106 (past 32-bit seconds)', Date.UTC(2200, 1, 2, 3, 4, 5, 6)],
    ['after 2514 (past 34-bit seconds)', Date.UTC(3000, 0, 1, 0, 0, 0, 1)],
    ['the latest Date', 8.64e15],
    ['the earliest Date', -8.64e15],
  ])('%s keeps its millisecond time', (_, time) => {
    const decoded = roundTrip({ when: new Date(time) }).when;
    expect(decoded).toBeInstanceOf(Date);
    expect(decoded.getTime()).toBe(time);
  });

  it('keeps an invalid Date', () => {
    const decoded = roundTrip({ when: new Date(Number.NaN) }).when;
    expect(decoded).toBeInstanceOf(Date);
    expect(decoded.getTime()).toBeNaN();
  });
});

describe('Map and Set', () => {
  it('keeps Map entries with keys of any type in insertion order', () => {
    const objectKey = { id: 1 };
    const map = new Map<unknown, unknown>([
      ['z', 1],
      [2, 'two'],
      [objectKey, 'object key'],
      [NaN, 'nan'],
      [null, 'null'],
      [undefined, 'undefined'],
      [10n, 'bigint'],
      ['a', new Map([['nested', true]])],
    ]);
    const decoded = roundTrip({ map }).map;
    expect(decoded).toBeInstanceOf(Map);
    const keys = [...decoded.keys()];
    expect(keys.slice(0, 2)).toEqual(['z', 2]);
    expect(keys[2]).toEqual({ id: 1 });
    expect(keys.slice(3, 8)).toEqual([NaN, null, undefined, 10n, 'a']);
    expect(decoded.get(NaN)).toBe('nan');
    expect(decoded.get(keys[2])).toBe('object key');
    expect(decoded.get('a')).toEqual(new Map([['nested', true]]));
  });

  it('keeps Set items of any type in insertion order', () => {
    const set = new Set<unknown>([3, 'b', 1, { x: 1 }, [2], 5n, NaN, null]);
    const decoded = roundTrip({ set }).set;
    expect(decoded).toBeInstanceOf(Set);
    expect([...decoded]).toEqual([3, 'b', 1, { x: 1 }, [2], 5n, NaN, null]);
  });

  it('keeps empty Map and Set', () => {
    const decoded = roundTrip({ map: new Map(), set: new Set() });
    expect(decoded.map).toEqual(new Map());
    expect(decoded.set).toEqual(new Set());
  });
});

describe('arrays and plain objects', () => {
  it('keeps nested arrays and objects', () => {
    const state = { list: [1, [2, [3, { deep: ['x'] }]]], empty: [], none: {} };
    expect(roundTrip(state)).toStrictEqual(state);
  });

  it('densifies sparse arrays: holes come back as undefined elements', () => {
    // eslint-disable-next-line no-sparse-arrays
    const decoded = roundTrip([1, , 3]);
    expect(decoded).toHaveLength(3);
    expect(1 in decoded).toBe(true);
    expect(decoded[1]).toBeUndefined();
  });

  it('keeps property order, integer-like keys first as JavaScript orders them', () => {
    const state = { b: 1, a: 2, 10: 'ten', 2: 'two', z: 3 };
    expect(Object.keys(roundTrip(state))).toEqual(Object.keys(state));
  });

  it('keeps objects with a null prototype', () => {
    const state = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1, b: [2] });
    const decoded = roundTrip({ inner: state }).inner;
    expect(Object.getPrototypeOf(decoded)).toBeNull();
    expect({ ...decoded }).toEqual({ a: 1, b: [2] });
  });

  it('keeps an own property named __proto__ as data, without changing the prototype', () => {
    const state = JSON.parse('{"a": 1, "__proto__": {"polluted": true}, "b": 2}') as Record<
      string,
      unknown
    >;
    const decoded = roundTrip({ inner: state }).inner;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(['a', '__proto__', 'b']);
    expect(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value).toEqual({
      polluted: true,
    });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('keeps property keys with unpaired surrogates', () => {
    const state = { ok: 1, ['bad\ud800']: 2, after: 3 };
    const decoded = roundTrip({ inner: state }).inner;
    expect(Object.keys(decoded)).toEqual(['ok', 'bad\ud800', 'after']);
    expect(decoded['bad\ud800']).toBe(2);
  });

  it('skips symbol-keyed and non-enumerable properties', () => {
    const state: Record<string | symbol, unknown> = { kept: 1, [Symbol('skipped')]: 2 };
    Object.defineProperty(state, 'hidden', { value: 3, enumerable: false });
    const decoded = roundTrip(state);
    expect(Reflect.ownKeys(decoded)).toEqual(['kept']);
  });
});

describe('binary data', () => {
  const views: [string, ArrayBufferView][] = [
    ['Int8Array', new Int8Array([-128, 0, 127])],
    ['Uint8Array', new Uint8Array([0, 1, 255])],
    ['Uint8ClampedArray', new Uint8ClampedArray([0, 128, 255])],
    ['Int16Array', new Int16Array([-32768, 1, 32767])],
    ['Uint16Array', new Uint16Array([0, 258, 65535])],
    ['Int32Array', new Int32Array([-(2 ** 31), 16909060, 2 ** 31 - 1])],
    ['Uint32Array', new Uint32Array([0, 16909060, 2 ** 32 - 1])],
    ['Float32Array', new Float32Array([1.5, -0, NaN, Infinity])],
    ['Float64Array', new Float64Array([Math.PI, -0, NaN, -Infinity])],
    ['BigInt64Array', new BigInt64Array([-(2n ** 63n), 1n, 2n ** 63n - 1n])],
    ['BigUint64Array', new BigUint64Array([0n, 2n ** 64n - 1n])],
  ];

  it.each(views)('%s comes back with its type and elements', (name, view) => {
    const decoded = roundTrip({ view }).view as unknown as ArrayBufferView;
    expect(decoded.constructor.name).toBe(name);
    expect(decoded).toStrictEqual(view);
  });

  it('stores only the window of a view, which comes back with its own buffer', () => {
    const whole = new Int16Array([1, 2, 3, 4, 5]);
    const decoded = roundTrip({ part: whole.subarray(1, 3) }).part;
    expect([...decoded]).toEqual([2, 3]);
    expect(decoded.byteOffset).toBe(0);
    expect(decoded.buffer.byteLength).toBe(4);
  });

  it('keeps an ArrayBuffer and a DataView', () => {
    const buffer = new Uint8Array([9, 8, 7]).buffer;
    const decoded = roundTrip({ buffer, view: new DataView(buffer, 1, 2) });
    expect(decoded.buffer).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(decoded.buffer)]).toEqual([9, 8, 7]);
    expect(decoded.view).toBeInstanceOf(DataView);
    expect(decoded.view.byteLength).toBe(2);
    expect(decoded.view.getUint8(0)).toBe(8);
  });

  it('returns a Buffer as a Buffer and a plain Uint8Array as a plain Uint8Array', () => {
    const decoded = roundTrip({ buffer: Buffer.from('héllo'), bytes: new Uint8Array([1, 2]) });
    expect(Buffer.isBuffer(decoded.buffer)).toBe(true);
    expect(decoded.buffer.toString()).toBe('héllo');
    expect(Buffer.isBuffer(decoded.bytes)).toBe(false);
    expect(Object.getPrototypeOf(decoded.bytes)).toBe(Uint8Array.prototype);
  });

  it('never aliases the record bytes', () => {
    const bytes = encodeRecord('test.Holder', { view: new Uint8Array([1, 2, 3]) }, encodeContext());
    const decoded = decodeRecord(bytes, decodeContext()).state as { view: Uint8Array };
    bytes.fill(0);
    expect([...decoded.view]).toEqual([1, 2, 3]);
  });
});

describe('RegExp', () => {
  it('keeps source and flags', () => {
    const decoded = roundTrip({ pattern: /a+\/b[c-d]/giu }).pattern;
    expect(decoded).toBeInstanceOf(RegExp);
    expect(decoded.source).toBe('a+\\/b[c-d]');
    expect(decoded.flags).toBe('giu');
  });
});

describe('registered value classes', () => {
  class Money {
    static constructed = 0;
    amount = 0n;
    currency = 'EUR';
    constructor() {
      Money.constructed++;
    }
    add(other: Money): bigint {
      return this.amount + other.amount;
    }
  }
  registry.register(Money, 'test.Money');

  class Point {
    constructor(
      public x: number,
      public y: number,
    ) {}
    __getstate__(): [number, number] {
      return [this.x, this.y];
    }
    __setstate__(state: [number, number]): void {
      [this.x, this.y] = state;
    }
  }
  registry.register(Point, 'test.Point');

  it('restores own properties on an instance of the class, without running its constructor', () => {
    const money = new Money();
    money.amount = 42n;
    const before = Money.constructed;
    const decoded = roundTrip({ money }).money;
    expect(decoded).toBeInstanceOf(Money);
    expect(decoded).not.toBe(money);
    expect(decoded.amount).toBe(42n);
    expect(decoded.currency).toBe('EUR');
    expect(decoded.add(decoded)).toBe(84n);
    expect(Money.constructed).toBe(before);
  });

  it('uses __getstate__ to store and __setstate__ to restore', () => {
    const decoded = roundTrip({ where: new Point(3, -4) }).where;
    expect(decoded).toBeInstanceOf(Point);
    expect([decoded.x, decoded.y]).toEqual([3, -4]);
  });

  it('decodes a value class through an alias after a rename', () => {
    class OldName {
      label = 'kept';
    }
    const writer = new ClassRegistry();
    writer.register(OldName, 'shop.Label');
    const bytes = encodeRecord('test.Holder', { label: new OldName() }, encodeContext(writer));

    class NewName {
      label = '';
    }
    const reader = new ClassRegistry();
    reader.register(NewName, 'shop.Tag', { aliases: ['shop.Label'] });
    const decoded = decodeRecord(bytes, decodeContext(reader)).state as { label: NewName };
    expect(decoded.label).toBeInstanceOf(NewName);
    expect(decoded.label.label).toBe('kept');
  });

  it('refuses to decode an instance of a class unknown to the reader', () => {
    const bytes = encodeRecord('test.Holder', { money: new Money() }, encodeContext(registry));
    const error = (() => {
      try {
        decodeRecord(bytes, decodeContext(new ClassRegistry()));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UnknownClassError);
    expect((error as UnknownClassError).className).toBe('test.Money');
    expect((error as Error).message).toContain('test.Money');
  });
});

describe('class names read from many records', () => {
  it('each record gives back its own class names, however many records came before', () => {
    const names = Array.from({ length: 40 }, (_, i) => `app.C${String(i).padStart(2, '0')}`);
    names.push('app.Ünïcode', 'app.C0x', 'app.C');
    const records = [...names, ...names.slice().reverse()].map((name, i) => ({
      name,
      bytes: encodeRecord(name, { i }, encodeContext()),
    }));
    for (const { name, bytes } of [...records, ...records]) {
      expect(decodeRecord(bytes, decodeContext()).className).toBe(name);
    }
  });
});
