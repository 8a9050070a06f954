import { describe, expect, it } from 'vitest';
import {
  ClassRegistry,
  decodeRecord,
  encodeRecord,
  readRecordHeader,
  referencesOf,
} from '../../src/serialize/index.js';
import type { EncodeContext } from '../../src/serialize/index.js';
import { UnknownClassError } from '../../src/errors.js';
import { FakePersistent, Ghost, decodeContext, encodeContext } from './support/contexts.js';

const registry = new ClassRegistry();
class Wrapper {
  constructor(readonly inner: unknown) {}
}
registry.register(Wrapper, 'test.Wrapper');
class Pair {
  constructor(
    public left: unknown,
    public right: unknown,
  ) {}
  __getstate__(): unknown[] {
    return [this.left, this.right];
  }
  __setstate__([left, right]: unknown[]): void {
    this.left = left;
    this.right = right;
  }
}
registry.register(Pair, 'test.Pair');

describe('references to persistent objects', () => {
  it('stores a reference, and decoding puts the object resolveRef returns in its place', () => {
    const book = new FakePersistent(7, 'app.Book');
    const bytes = encodeRecord('app.Shelf', { books: [book], title: 'x' }, encodeContext());
    const ctx = decodeContext();
    const { className, state } = decodeRecord(bytes, ctx);
    expect(className).toBe('app.Shelf');
    expect(ctx.resolved).toEqual([{ oid: 7, className: 'app.Book' }]);
    const ghost = (state as { books: Ghost[] }).books[0]!;
    expect(ghost).toBeInstanceOf(Ghost);
    expect(ghost.ref).toEqual({ oid: 7, className: 'app.Book' });
  });

  it('calls resolveRef once per distinct object and uses the result for every occurrence', () => {
    const a = new FakePersistent(1);
    const b = new FakePersistent(2);
    const bytes = encodeRecord('app.List', [a, b, a, { again: a }], encodeContext());
    const ctx = decodeContext();
    const state = decodeRecord(bytes, ctx).state as [Ghost, Ghost, Ghost, { again: Ghost }];
    expect(ctx.resolved.map((ref) => ref.oid)).toEqual([1, 2]);
    expect(state[2]).toBe(state[0]);
    expect(state[3].again).toBe(state[0]);
    expect(state[1].ref.oid).toBe(2);
  });

  it('resolves references inside Maps, Sets, shared structure and value objects', () => {
    const shared = { ref: new FakePersistent(5) };
    const state = {
      map: new Map<unknown, unknown>([[new FakePersistent(3), new FakePersistent(4)]]),
      set: new Set([new FakePersistent(6)]),
      one: shared,
      two: shared,
      wrapped: new Wrapper(new FakePersistent(8)),
    };
    const decoded = decodeRecord(
      encodeRecord('app.Mixed', state, encodeContext(registry)),
      decodeContext(registry),
    ).state as {
      map: Map<Ghost, Ghost>;
      set: Set<Ghost>;
      one: { ref: Ghost };
      two: { ref: Ghost };
      wrapped: Wrapper;
    };
    const [[key, value]] = [...decoded.map] as [[Ghost, Ghost]];
    expect([key.ref.oid, value.ref.oid]).toEqual([3, 4]);
    expect([...decoded.set][0]!.ref.oid).toBe(6);
    expect(decoded.two).toBe(decoded.one);
    expect(decoded.one.ref.ref.oid).toBe(5);
    expect((decoded.wrapped.inner as Ghost).ref.oid).toBe(8);
  });

  it('a cross-database reference carries the database name and is not listed as a reference', () => {
    const local = new FakePersistent(1, 'app.Local');
    const remote = new FakePersistent(1, 'app.Remote', 'catalog');
    const bytes = encodeRecord('app.Order', { local, remote, again: remote }, encodeContext());
    const ctx = decodeContext();
    const state = decodeRecord(bytes, ctx).state as Record<string, Ghost>;
    expect(state['remote']!.ref).toEqual({ oid: 1, className: 'app.Remote', database: 'catalog' });
    expect(state['again']).toBe(state['remote']);
    expect(state['local']!.ref).toEqual({ oid: 1, className: 'app.Local' });
    expect(referencesOf(bytes)).toEqual([1]);
  });

  it('offers every object inside the state to persistentRef first, but not the state itself', () => {
    const date = new Date(0);
    const inner = { x: 1 };
    const state = { date, inner, list: [inner] };
    const ctx = encodeContext();
    encodeRecord('app.Thing', state, ctx);
    expect(ctx.offered).toEqual([date, inner, state.list, inner]);
    expect(ctx.offered).not.toContain(state);
  });

  it('stores whatever persistentRef claims as a reference, even values it could not store inline', () => {
    class Unregistered {}
    const special = new Unregistered();
    const ctx: EncodeContext = {
      persistentRef: (value) =>
        value === special ? { oid: 9, className: 'app.Special' } : undefined,
    };
    const bytes = encodeRecord('app.Thing', { special }, ctx);
    expect(referencesOf(bytes)).toEqual([9]);
  });

  it('lets resolveRef decode another record while the first is being decoded', () => {
    const inner = encodeRecord(
      'app.Inner',
      { tags: new Set(['a']), ref: new FakePersistent(9) },
      encodeContext(),
    );
    const plainOuter = { a: new FakePersistent(1), after: 'kept' };
    const structuredOuter = { a: new FakePersistent(1), after: new Map([[1, 2]]) };
    for (const outerState of [plainOuter, structuredOuter]) {
      const outer = encodeRecord('app.Outer', outerState, encodeContext());
      const state = decodeRecord(outer, {
        resolveRef: (ref) => ({ ref, loaded: decodeRecord(inner, decodeContext()).state }),
      }).state as { a: { loaded: { tags: Set<string>; ref: Ghost } }; after: unknown };
      expect(state.a.loaded.tags).toEqual(new Set(['a']));
      expect(state.a.loaded.ref.ref.oid).toBe(9);
      expect(state.after).toEqual(outerState.after);
    }
  });

  it('passes errors thrown by resolveRef through unchanged', () => {
    const failure = new RangeError('no such object');
    const bytes = encodeRecord('app.Thing', { ref: new FakePersistent(1) }, encodeContext());
    expect(() =>
      decodeRecord(bytes, {
        resolveRef: () => {
          throw failure;
        },
      }),
    ).toThrow(failure);
  });

  it('passes errors thrown by persistentRef through unchanged', () => {
    const failure = new Error('connection closed');
    const ctx: EncodeContext = {
      persistentRef: () => {
        throw failure;
      },
    };
    expect(() => encodeRecord('app.Thing', { inner: {} }, ctx)).toThrow(failure);
  });

  it('rejects an invalid reference from persistentRef as a programmer error', () => {
    const ctx: EncodeContext = { persistentRef: () => ({ oid: -1, className: 'app.X' }) };
    expect(() => encodeRecord('app.Thing', { inner: {} }, ctx)).toThrow(TypeError);
  });

  it('uses wider indexes past 256 and 65536 distinct references', () => {
    for (const count of [300, 70_000]) {
      const refs = Array.from({ length: count }, (_, i) => new FakePersistent(i + 1));
      const bytes = encodeRecord('app.Big', refs, encodeContext());
      const state = decodeRecord(bytes, decodeContext()).state as Ghost[];
      expect(state).toHaveLength(count);
      expect(state[count - 1]!.ref.oid).toBe(count);
      expect(state[255]!.ref.oid).toBe(256);
    }
  });

  it('keeps oids up to 2^53 - 1', () => {
    const far = new FakePersistent(Number.MAX_SAFE_INTEGER);
    const bytes = encodeRecord('app.Thing', { far }, encodeContext());
    expect(referencesOf(bytes)).toEqual([Number.MAX_SAFE_INTEGER]);
    expect((decodeRecord(bytes, decodeContext()).state as { far: Ghost }).far.ref.oid).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });
});

describe('the header: class name and references without decoding the state', () => {
  it('lists each referenced oid once, in order of first use, from everywhere in the state', () => {
    const r = (oid: number): FakePersistent => new FakePersistent(oid);
    const repeated = r(10);
    const state = {
      first: repeated,
      map: new Map<unknown, unknown>([[r(11), r(12)]]),
      set: new Set([r(13), repeated]),
      nested: [[[{ deep: r(14) }]]],
      value: new Wrapper(r(15)),
      getstate: new Pair(r(16), repeated),
      cross: new FakePersistent(99, 'x.Y', 'elsewhere'),
      last: repeated,
    };
    const bytes = encodeRecord('app.Everything', state, encodeContext(registry));
    expect(readRecordHeader(bytes)).toEqual({
      className: 'app.Everything',
      references: [10, 11, 12, 13, 14, 15, 16],
    });
    expect(referencesOf(bytes)).toEqual([10, 11, 12, 13, 14, 15, 16]);
  });

  it('is read without the state: it works where decoding the state fails', () => {
    const bytes = encodeRecord(
      'app.Thing',
      { wrapped: new Wrapper(new FakePersistent(3)) },
      encodeContext(registry),
    );
    expect(() => decodeRecord(bytes, decodeContext(new ClassRegistry()))).toThrow(
      UnknownClassError,
    );
    const damaged = Uint8Array.from(bytes);
    damaged.fill(0xc1, damaged.length - 5);
    expect(readRecordHeader(damaged)).toEqual({ className: 'app.Thing', references: [3] });
  });

  it('is empty for a record without references', () => {
    expect(readRecordHeader(encodeRecord('app.Leaf', { n: 1 }, encodeContext()))).toEqual({
      className: 'app.Leaf',
      references: [],
    });
  });
});

describe('encoding from inside an encode', () => {
  it('a persistentRef callback that encodes another record leaves both records intact', () => {
    const inner: Uint8Array[] = [];
    const outer = encodeContext();
    const ctx: EncodeContext = {
      registry: outer.registry,
      persistentRef(value: object) {
        if (value instanceof FakePersistent) {
          inner.push(
            encodeRecord(
              value.className,
              { own: value.oid, list: [new FakePersistent(99)], same: { a: 1 } },
              encodeContext(),
            ),
          );
        }
        return outer.persistentRef(value);
      },
    };
    const shared = { tag: 'shared' };
    const bytes = encodeRecord(
      'app.Shelf',
      { first: new FakePersistent(5), twice: [shared, shared], last: new FakePersistent(6) },
      ctx,
    );
    expect(readRecordHeader(bytes).references).toEqual([5, 6]);
    const { state } = decodeRecord(bytes, decodeContext()) as {
      state: { twice: object[]; first: Ghost; last: Ghost };
    };
    expect(state.twice[0]).toBe(state.twice[1]);
    expect(state.first.ref.oid).toBe(5);
    expect(state.last.ref.oid).toBe(6);
    expect(inner.map((record) => readRecordHeader(record).references)).toEqual([[99], [99]]);
    expect(decodeRecord(inner[1]!, decodeContext()).state).toMatchObject({
      own: 6,
      same: { a: 1 },
    });
  });
});
