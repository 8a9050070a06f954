import { describe, expect, it } from 'vitest';
import { ClassRegistry, decodeRecord, encodeRecord } from '../../src/serialize/index.js';
import { decodeContext, encodeContext } from './support/contexts.js';

const registry = new ClassRegistry();
class Person {
  name = '';
  friend: Person | undefined;
}
registry.register(Person, 'test.Person');

function roundTrip<T>(state: T): T {
  return decodeRecord(
    encodeRecord('test.Holder', state, encodeContext(registry)),
    decodeContext(registry),
  ).state as T;
}

describe('shared structure inside one record', () => {
  it('an object referenced twice comes back as one object', () => {
    const shared = { n: 1 };
    const decoded = roundTrip({ a: shared, b: shared, list: [shared] });
    expect(decoded.a).toEqual({ n: 1 });
    expect(decoded.b).toBe(decoded.a);
    expect(decoded.list[0]).toBe(decoded.a);
  });

  it('shares arrays, Maps, Sets, Dates and binary values', () => {
    const list = [1, 2];
    const map = new Map([['k', 1]]);
    const set = new Set([1]);
    const date = new Date(5);
    const bytes = new Uint8Array([1]);
    const decoded = roundTrip({
      first: [list, map, set, date, bytes],
      second: [list, map, set, date, bytes],
    });
    decoded.second.forEach((item, i) => expect(item).toBe(decoded.first[i]));
    expect(decoded.first[3]).toBeInstanceOf(Date);
  });

  it('keeps objects that are merely equal as separate objects', () => {
    const decoded = roundTrip({ a: { n: 1 }, b: { n: 1 } });
    expect(decoded.a).not.toBe(decoded.b);
  });

  it('shares a value-class instance', () => {
    const ada = new Person();
    ada.name = 'Ada';
    const decoded = roundTrip({ team: [ada, ada] });
    expect(decoded.team[0]).toBeInstanceOf(Person);
    expect(decoded.team[1]).toBe(decoded.team[0]);
  });
});

describe('cycles inside one record', () => {
  it('a state that refers to itself comes back as a cycle', () => {
    const state: Record<string, unknown> = { name: 'root' };
    state['self'] = state;
    const decoded = roundTrip(state);
    expect(decoded['self']).toBe(decoded);
  });

  it('cycles through arrays, Map values, Map keys and Sets', () => {
    const node: Record<string, unknown> = {};
    const map = new Map<unknown, unknown>();
    const set = new Set<unknown>();
    node['list'] = [node];
    node['map'] = map;
    node['set'] = set;
    map.set('back', node);
    map.set(map, 'itself as key');
    set.add(set);
    set.add(node);
    const decoded = roundTrip(node) as {
      list: unknown[];
      map: Map<unknown, unknown>;
      set: Set<unknown>;
    };
    expect(decoded.list[0]).toBe(decoded);
    expect(decoded.map.get('back')).toBe(decoded);
    expect(decoded.map.get(decoded.map)).toBe('itself as key');
    expect(decoded.set.has(decoded.set)).toBe(true);
    expect(decoded.set.has(decoded)).toBe(true);
  });

  it('cycles through value-class instances', () => {
    const ada = new Person();
    const bob = new Person();
    ada.name = 'Ada';
    bob.name = 'Bob';
    ada.friend = bob;
    bob.friend = ada;
    const decoded = roundTrip({ ada });
    expect(decoded.ada.friend?.friend).toBe(decoded.ada);
    expect(decoded.ada.friend).toBeInstanceOf(Person);
  });

  it('cycles through a null-prototype object', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare['me'] = bare;
    const decoded = roundTrip({ bare }).bare;
    expect(decoded['me']).toBe(decoded);
    expect(Object.getPrototypeOf(decoded)).toBeNull();
  });
});

describe('the structured flag', () => {
  it('is clear for a state of plain data, so decoding needs no second pass', () => {
    const bytes = encodeRecord(
      'test.Holder',
      { a: [1, { b: 'c' }], d: new Date(0) },
      encodeContext(),
    );
    expect(bytes[2]).toBe(0);
  });

  it('is set when the state shares an object', () => {
    const shared = {};
    expect(encodeRecord('test.Holder', { a: shared, b: shared }, encodeContext())[2]).toBe(1);
  });

  it('is set when the state holds a Map', () => {
    expect(encodeRecord('test.Holder', { m: new Map() }, encodeContext())[2]).toBe(1);
  });
});
