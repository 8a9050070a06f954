import { describe, expect, it } from 'vitest';
import { ClassRegistry, encodeRecord } from '../../src/serialize/index.js';
import { POSError, UnstorableValueError } from '../../src/errors.js';
import { encodeContext } from './support/contexts.js';

const registry = new ClassRegistry();

function refusal(state: unknown, className = 'Account'): UnstorableValueError {
  try {
    encodeRecord(className, state, encodeContext(registry));
  } catch (error) {
    expect(error).toBeInstanceOf(UnstorableValueError);
    return error as UnstorableValueError;
  }
  throw new Error('the state was stored, but a refusal was expected');
}

class Owner {
  name = 'Ada';
}

describe('values that cannot be stored are refused at encode time', () => {
  it('names the record class, the attribute path and the fix for an unregistered class', () => {
    const error = refusal({ history: [{}, {}, {}, { owner: new Owner() }] });
    expect(error.path).toBe('history[3].owner');
    expect(error.className).toBe('Account');
    expect(error.message).toContain('Account.history[3].owner');
    expect(error.message).toContain(
      "class Owner is not registered: call registerClass(Owner, 'some.stable.Name') or decorate it with @register(...)",
    );
    expect(error).toBeInstanceOf(POSError);
  });

  it.each([
    ['a function', { f: () => 1 }, 'f', 'function'],
    ['a class object', { cls: Owner }, 'cls', 'class Owner'],
    ['a symbol', { s: Symbol('tag') }, 's', 'symbol'],
    ['a WeakMap', { w: new WeakMap() }, 'w', 'WeakMap'],
    ['a WeakSet', { w: new WeakSet() }, 'w', 'WeakSet'],
    ['a WeakRef', { w: new WeakRef({}) }, 'w', 'WeakRef'],
    ['a Promise', { p: Promise.resolve(1) }, 'p', 'Promise'],
    ['an Error', { e: new Error('x') }, 'e', 'class Error is not registered'],
    ['a boxed string', { s: new String('x') }, 's', 'class String is not registered'],
  ])('refuses %s', (_, state, path, mention) => {
    const error = refusal(state);
    expect(error.path).toBe(path);
    expect(error.message).toContain(mention);
    expect(error.message).toContain(`Account.${path}`);
  });

  it('names paths through Map values, Map keys, Sets and odd property names', () => {
    expect(refusal({ m: new Map([['k', () => 0]]) }).path).toBe('m.get("k")');
    expect(refusal({ m: new Map([[() => 0, 1]]) }).path).toBe('m.keys()[0]');
    expect(refusal({ s: new Set([1, Symbol()]) }).path).toBe('s.values()[1]');
    expect(refusal({ 'odd key': { f: () => 0 } }).path).toBe('["odd key"].f');
  });

  it('names the path into the state of a value object', () => {
    class Box {
      content: unknown = () => 0;
    }
    class Custom {
      __getstate__(): unknown {
        return { hidden: [Symbol()] };
      }
    }
    registry.register(Box, 'test.Box');
    registry.register(Custom, 'test.Custom');
    expect(refusal({ box: new Box() }).path).toBe('box.content');
    expect(refusal({ custom: new Custom() }).path).toBe('custom.__getstate__().hidden[0]');
  });

  it('describes a refused state itself', () => {
    const error = refusal(new WeakMap(), 'app.Thing');
    expect(error.path).toBe('');
    expect(error.message).toContain('app.Thing (the state itself)');
  });

  it('refuses an instance of a subclass of a registered class', () => {
    class Base {}
    class Derived extends Base {}
    registry.register(Base, 'test.Base');
    expect(refusal({ d: new Derived() }).message).toContain('class Derived is not registered');
  });

  it('refuses a registered subclass of a built-in whose contents would be lost', () => {
    class Tags extends Map<string, number> {}
    registry.register(Tags, 'test.Tags');
    const error = refusal({ tags: new Tags([['a', 1]]) });
    expect(error.message).toContain('extends Map');
    expect(error.message).toContain('__getstate__');
  });

  it('refuses nesting past the limit, naming the path', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 1100; i++) deep = [deep];
    const error = refusal({ deep });
    expect(error.message).toContain('nested deeper than 1000 levels');
    expect(error.path.startsWith('deep[0][0]')).toBe(true);
  });

  it('accepts nesting up to the limit', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 990; i++) deep = [deep];
    expect(() => encodeRecord('Account', { deep }, encodeContext())).not.toThrow();
  });

  it('passes errors thrown by __getstate__ through unchanged', () => {
    const failure = new Error('getstate failed');
    class Broken {
      __getstate__(): never {
        throw failure;
      }
    }
    registry.register(Broken, 'test.Broken');
    expect(() => encodeRecord('Account', { b: new Broken() }, encodeContext(registry))).toThrow(
      failure,
    );
  });

  it('refuses an empty record class name as a programmer error', () => {
    expect(() => encodeRecord('', {}, encodeContext())).toThrow(TypeError);
  });
});
