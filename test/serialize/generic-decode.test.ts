import { describe, expect, it } from 'vitest';
import {
  ClassRegistry,
  PersistentReference,
  ValueObject,
  decodeRecord,
  decodeRecordGeneric,
  encodeRecord,
} from '../../src/serialize/index.js';
import type { EncodeContext } from '../../src/serialize/index.js';
import type { Ghost } from './support/contexts.js';
import { FakePersistent, decodeContext, encodeContext } from './support/contexts.js';

const registry = new ClassRegistry();
class Money {
  amount = 0n;
  currency = 'EUR';
}
registry.register(Money, 'test.Money');
class Interval {
  constructor(
    public start: Date,
    public end: Date,
  ) {}
  __getstate__(): number[] {
    return [this.start.getTime(), this.end.getTime()];
  }
  __setstate__([start, end]: number[]): void {
    this.start = new Date(start!);
    this.end = new Date(end!);
  }
}
registry.register(Interval, 'test.Interval');

/** A context for re-encoding a generic state: nothing in it is a live persistent object. */
const noPersistentObjects: EncodeContext = { persistentRef: () => undefined };

function everyKindOfState(): Record<string, unknown> {
  const shared = { tag: 'shared' };
  const cyclic: Record<string, unknown> = { name: 'cycle' };
  cyclic['self'] = cyclic;
  const money = new Money();
  money.amount = 250n;
  return {
    text: 'plain',
    lone: 'a\udc00',
    numbers: [0, -0, 1.25, -7, 2 ** 33, NaN, Infinity],
    big: [1n, -(2n ** 90n)],
    flags: [true, false, null, undefined],
    when: [new Date(86_400_123), new Date(NaN), new Date(-1)],
    map: new Map<unknown, unknown>([
      ['a', 1],
      [new FakePersistent(20), shared],
    ]),
    set: new Set<unknown>([1, shared, new FakePersistent(21)]),
    binary: [new Float64Array([1.5]), new Uint8Array([7]), Buffer.from('b'), new ArrayBuffer(2)],
    pattern: /x+/y,
    money,
    interval: new Interval(new Date(0), new Date(1000)),
    local: new FakePersistent(22, 'app.Local'),
    remote: new FakePersistent(23, 'app.Remote', 'other-db'),
    bare: Object.assign(Object.create(null) as object, { k: 'v' }),
    cyclic,
    shared,
  };
}

describe('decodeRecordGeneric', () => {
  it('turns references into PersistentReference values and lists the references', () => {
    const bytes = encodeRecord(
      'app.Holder',
      { a: new FakePersistent(5, 'app.Book'), b: new FakePersistent(6, 'x.Y', 'db2') },
      encodeContext(),
    );
    const { className, references, state } = decodeRecordGeneric(bytes);
    expect(className).toBe('app.Holder');
    expect(references).toEqual([5]);
    const { a, b } = state as { a: PersistentReference; b: PersistentReference };
    expect(a).toBeInstanceOf(PersistentReference);
    expect([a.oid, a.className, a.database]).toEqual([5, 'app.Book', undefined]);
    expect([b.oid, b.className, b.database]).toEqual([6, 'x.Y', 'db2']);
  });

  it('keeps value-class instances as ValueObjects, needing no classes', () => {
    const bytes = encodeRecord('app.Holder', everyKindOfState(), encodeContext(registry));
    const state = decodeRecordGeneric(bytes).state as { money: ValueObject; interval: ValueObject };
    expect(state.money).toBeInstanceOf(ValueObject);
    expect(state.money.className).toBe('test.Money');
    expect(state.money.state).toEqual({ amount: 250n, currency: 'EUR' });
    expect(state.interval.state).toEqual([0, 1000]);
  });

  it('rebuilds registered value classes on request, keeping unknown ones as ValueObjects', () => {
    const partial = new ClassRegistry();
    partial.register(Money, 'test.Money');
    const bytes = encodeRecord('app.Holder', everyKindOfState(), encodeContext(registry));
    const state = decodeRecordGeneric(bytes, { registry: partial, resolveValueClasses: true })
      .state as {
      money: Money;
      interval: ValueObject;
    };
    expect(state.money).toBeInstanceOf(Money);
    expect(state.money.amount).toBe(250n);
    expect(state.interval).toBeInstanceOf(ValueObject);
  });

  it('re-encodes its result to the very same bytes', () => {
    const bytes = encodeRecord('app.Holder', everyKindOfState(), encodeContext(registry));
    const generic = decodeRecordGeneric(bytes);
    const again = encodeRecord(generic.className, generic.state, noPersistentObjects);
    expect(Buffer.from(again).toString('hex')).toBe(Buffer.from(bytes).toString('hex'));
  });

  it('keeps shared and cyclic structure, including through ValueObjects', () => {
    class Node {
      next: Node | undefined;
    }
    const nodes = new ClassRegistry();
    nodes.register(Node, 'test.Node');
    const a = new Node();
    a.next = a;
    const bytes = encodeRecord('app.Holder', { a, again: a }, encodeContext(nodes));
    const state = decodeRecordGeneric(bytes).state as { a: ValueObject; again: ValueObject };
    expect(state.again).toBe(state.a);
    expect((state.a.state as { next: ValueObject }).next).toBe(state.a);
    const again = encodeRecord('app.Holder', state, noPersistentObjects);
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });

  it('supports conflict resolution without application classes: decode, merge, re-encode', () => {
    const write = (count: number, extra: Record<string, unknown>): Uint8Array =>
      encodeRecord(
        'app.Counter',
        { count, owner: new FakePersistent(1, 'app.User'), ...extra },
        encodeContext(registry),
      );
    const old = decodeRecordGeneric(write(1, {})).state as { count: number };
    const committed = decodeRecordGeneric(write(3, {})).state as { count: number };
    const mine = decodeRecordGeneric(write(2, { note: new Money() })).state as Record<
      string,
      unknown
    > & { count: number };
    const merged = { ...mine, count: committed.count + mine.count - old.count };
    const resolved = encodeRecord('app.Counter', merged, noPersistentObjects);

    const ctx = decodeContext(registry);
    const state = decodeRecord(resolved, ctx).state as { count: number; owner: Ghost; note: Money };
    expect(state.count).toBe(4);
    expect(state.owner.ref).toEqual({ oid: 1, className: 'app.User' });
    expect(state.note).toBeInstanceOf(Money);
  });
});

describe('PersistentReference', () => {
  it('equals a reference to the same object, whatever class name it carries', () => {
    const ref = new PersistentReference(7, 'app.Book');
    expect(ref.equals(new PersistentReference(7, 'app.Book'))).toBe(true);
    expect(ref.equals(new PersistentReference(7, 'app.Renamed'))).toBe(true);
    expect(ref.equals(new PersistentReference(8, 'app.Book'))).toBe(false);
    expect(ref.equals(new PersistentReference(7, 'app.Book', 'other'))).toBe(false);
    expect(ref.equals({ oid: 7, className: 'app.Book' })).toBe(false);
    expect(ref.equals(7)).toBe(false);
  });

  it('refuses ordering comparisons', () => {
    const a = new PersistentReference(1, 'app.A') as unknown as number;
    const b = new PersistentReference(2, 'app.A') as unknown as number;
    expect(() => a < b).toThrow(TypeError);
    expect(() => a + 1).toThrow(/compare references with equals\(\)/);
  });

  it('renders as text for messages and tools', () => {
    expect(String(new PersistentReference(255, 'app.Book'))).toBe(
      'PersistentReference(0x00000000000000ff, app.Book)',
    );
    expect(`${new PersistentReference(1, 'x.Y', 'db')}`).toBe(
      'PersistentReference(0x0000000000000001@db, x.Y)',
    );
  });
});
