import { describe, expect, it } from 'vitest';
import {
  Persistent,
  PersistentList,
  PersistentMapping,
  GHOST,
  UPTODATE,
  CHANGED,
} from '../../src/persistent/index.js';
import type { PersistentJar, PersistentObject } from '../../src/persistent/index.js';
import { installState, newGhost } from '../../src/persistent/persistent.js';

/** A jar that serves states from a Map and records registrations. */
class FakeJar implements PersistentJar {
  loads = 0;
  registered: PersistentObject[] = [];
  states = new Map<number, unknown>();
  setstate(obj: PersistentObject): void {
    this.loads++;
    installState(obj, this.states.get(obj._p_oid as number), 5n, 10);
  }
  register(obj: PersistentObject): void {
    this.registered.push(obj);
  }
}

class Book extends Persistent {
  title = '';
  pages = 0;
  _v_cache: string | undefined;
  get summary(): string {
    return `${this.title} (${this.pages} pages)`;
  }
  addPages(n: number): void {
    this.pages += n;
  }
}

function savedBook(jar: FakeJar, oid = 1): Book {
  jar.states.set(oid, { title: 'Dune', pages: 412 });
  return newGhost(Book, oid, jar) as unknown as Book;
}

describe('Persistent objects', () => {
  it('a new object is unsaved: not changed, no oid, no jar', () => {
    const book = new Book();
    expect(book._p_changed).toBe(false);
    expect(book._p_oid).toBeUndefined();
    expect(book._p_jar).toBeUndefined();
    expect(book._p_status).toBe('unsaved');
    book.title = 'x';
    expect(book._p_changed).toBe(false);
  });

  it('keeps instanceof, methods, getters and fields of subclasses', () => {
    const book = new Book();
    book.title = 'Dune';
    book.addPages(10);
    expect(book).toBeInstanceOf(Book);
    expect(book).toBeInstanceOf(Persistent);
    expect(book.summary).toBe('Dune (10 pages)');
  });

  it('shows only user state to Object.keys, JSON and spread', () => {
    const book = new Book();
    book.title = 'Dune';
    book._v_cache = 'volatile';
    expect(JSON.stringify(book)).toBe('{"title":"Dune","pages":0,"_v_cache":"volatile"}');
    expect(Object.keys({ ...book })).toEqual(['title', 'pages', '_v_cache']);
    expect((book as Persistent).__getstate__()).toEqual({ title: 'Dune', pages: 0 });
  });

  it('class fields are own data properties, even where a base class has an accessor of that name', () => {
    let setterCalls = 0;
    class Base extends Persistent {}
    Object.defineProperty(Base.prototype, 'label', {
      get: () => 'from the accessor',
      set: () => {
        setterCalls++;
      },
    });
    class Labelled extends Base {
      label = 'from the field';
      count = 1;
    }
    const item = new Labelled();
    expect(setterCalls).toBe(0);
    expect(item.label).toBe('from the field');
    expect(Object.getOwnPropertyDescriptor(item, 'count')).toEqual({
      value: 1,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  });

  it('Object.defineProperty keeps its attributes and marks a saved object changed', () => {
    const jar = new FakeJar();
    const book = savedBook(jar);
    void book.title;
    Object.defineProperty(book, 'hidden', { value: 1, enumerable: false });
    expect(book._p_changed).toBe(true);
    expect(Object.getOwnPropertyDescriptor(book, 'hidden')).toEqual({
      value: 1,
      writable: false,
      enumerable: false,
      configurable: false,
    });
    Object.defineProperty(book, 'shown', {
      value: 2,
      writable: true,
      enumerable: true,
      configurable: true,
    });
    expect(Object.keys(book)).toContain('shown');
  });

  it('defining a property on a non-extensible object fails as on a plain object', () => {
    const book = new Book();
    Object.preventExtensions(book);
    expect(
      Reflect.defineProperty(book, 'extra', {
        value: 1,
        writable: true,
        enumerable: true,
        configurable: true,
      }),
    ).toBe(false);
    expect(() => Object.defineProperty(book, 'extra', { value: 1 })).toThrow(TypeError);
  });

  it('a ghost loads on first attribute read, and reading _p_ attributes never loads', () => {
    const jar = new FakeJar();
    const book = savedBook(jar);
    expect(book._p_changed).toBeNull();
    expect(book._p_oid).toBe(1);
    expect(book._p_serial).toBe(0n);
    expect(book._p_state).toBe(GHOST);
    expect(jar.loads).toBe(0);
    expect(book.title).toBe('Dune');
    expect(jar.loads).toBe(1);
    expect(book._p_changed).toBe(false);
    expect(book._p_serial).toBe(5n);
    expect(book.pages).toBe(412);
    expect(jar.loads).toBe(1);
  });

  it('awaiting a ghost, or checking for then/constructor/toJSON, does not load it', async () => {
    const jar = new FakeJar();
    const book = savedBook(jar);
    const same = await Promise.resolve(book);
    expect(same).toBe(book);
    void book.constructor;
    expect(jar.loads).toBe(0);
  });

  it('a write to a saved object marks it changed and registers it once', () => {
    const jar = new FakeJar();
    const book = savedBook(jar);
    book.title = 'Dune Messiah';
    expect(book._p_changed).toBe(true);
    expect(book._p_state).toBe(CHANGED);
    book.pages = 1;
    expect(jar.registered).toEqual([book]);
  });

  it('writes through methods and setters mark the object changed', () => {
    const jar = new FakeJar();
    const book = savedBook(jar);
    book.addPages(1);
    expect(book._p_changed).toBe(true);
    expect(book.pages).toBe(413);
  });

  it('volatile _v_ attributes never mark changes and vanish when ghosted', () => {
    const jar = new FakeJar();
    const book = savedBook(jar);
    void book.title;
    book._v_cache = 'hot';
    expect(book._p_changed).toBe(false);
    book._p_deactivate();
    expect(book._p_changed).toBeNull();
    expect(book._v_cache).toBeUndefined();
  });

  it('_p_deactivate ignores changed objects; _p_invalidate ghosts them anyway', () => {
    const jar = new FakeJar();
    const book = savedBook(jar);
    book.title = 'changed';
    book._p_deactivate();
    expect(book._p_changed).toBe(true);
    book._p_invalidate();
    expect(book._p_changed).toBeNull();
    expect(book.title).toBe('Dune');
  });

  it('_p_changed assignments: true marks, false unmarks, null ghosts an unchanged object', () => {
    const jar = new FakeJar();
    const book = savedBook(jar);
    book._p_changed = true;
    expect(book._p_changed).toBe(true);
    expect(jar.loads).toBe(1);
    book._p_changed = false;
    expect(book._p_state).toBe(UPTODATE);
    book._p_changed = null;
    expect(book._p_changed).toBeNull();
  });

  it('deleting an attribute marks the object changed', () => {
    const jar = new FakeJar();
    const book = savedBook(jar);
    delete (book as Partial<Book>).title;
    expect(book._p_changed).toBe(true);
    expect('title' in book).toBe(false);
  });

  it('Object.keys and `in` load a ghost', () => {
    const jar = new FakeJar();
    expect(Object.keys(savedBook(jar, 1))).toEqual(['title', 'pages']);
    expect('title' in savedBook(jar, 2)).toBe(true);
    expect(jar.loads).toBe(2);
  });

  it('refuses to change the oid or the jar once set', () => {
    const jar = new FakeJar();
    const book = savedBook(jar);
    expect(() => {
      book._p_oid = 9;
    }).toThrow(/oid/);
    expect(() => {
      book._p_jar = new FakeJar();
    }).toThrow(/another connection/);
  });

  it('_p_estimatedSize validates its value', () => {
    const book = new Book();
    book._p_estimatedSize = 128;
    expect(book._p_estimatedSize).toBe(128);
    expect(() => (book._p_estimatedSize = -1)).toThrow(RangeError);
    expect(() => (book._p_estimatedSize = 1.5)).toThrow(TypeError);
  });

  it('_p_mtime is undefined for a never-committed object and a time for a committed one', () => {
    expect(new Book()._p_mtime).toBeUndefined();
    const jar = new FakeJar();
    const book = savedBook(jar);
    void book.title;
    book._p_serial = 0x03d0_0000_0000_0000n;
    expect(typeof book._p_mtime).toBe('number');
  });

  it('__setstate__ overrides can migrate old states (attributes added later)', () => {
    class Article extends Persistent {
      declare title: string;
      declare tags: string[];
      override __setstate__(state: unknown): void {
        super.__setstate__(state);
        this.tags ??= [];
      }
    }
    const jar = new FakeJar();
    jar.states.set(3, { title: 'old record without tags' });
    const article = newGhost(Article, 3, jar) as unknown as Article;
    expect(article.tags).toEqual([]);
    expect(article._p_changed).toBe(false);
  });

  it('class defaults on the prototype fill attributes missing from old states', () => {
    class Page extends Persistent {
      declare title: string;
      declare rating: number;
    }
    (Page.prototype as Page).rating = 0;
    const jar = new FakeJar();
    jar.states.set(4, { title: 'old' });
    const page = newGhost(Page, 4, jar) as unknown as Page;
    expect(page.rating).toBe(0);
  });
});

describe('PersistentMapping', () => {
  it('implements Map and marks itself changed on every mutator', () => {
    const mutators: [string, (m: PersistentMapping<string, number>) => void][] = [
      ['set', (m) => m.set('b', 2)],
      ['delete', (m) => m.delete('a')],
      ['clear', (m) => m.clear()],
      ['setDefault', (m) => m.setDefault('z', 9)],
      ['pop', (m) => m.pop('a')],
      ['popItem', (m) => m.popItem()],
      ['update', (m) => m.update([['c', 3]])],
    ];
    for (const [name, mutate] of mutators) {
      const jar = new FakeJar();
      jar.states.set(1, { data: new Map([['a', 1]]) });
      const m = newGhost(PersistentMapping, 1, jar) as unknown as PersistentMapping<string, number>;
      expect(m.get('a'), name).toBe(1);
      expect(m._p_changed, name).toBe(false);
      mutate(m);
      expect(m._p_changed, name).toBe(true);
    }
  });

  it('reads do not mark changes, and a missing delete does not either', () => {
    const jar = new FakeJar();
    jar.states.set(1, { data: new Map([['a', 1]]) });
    const m = newGhost(PersistentMapping, 1, jar) as unknown as PersistentMapping<string, number>;
    expect([...m]).toEqual([['a', 1]]);
    expect(m.size).toBe(1);
    expect(m.has('a')).toBe(true);
    expect(m.delete('nope')).toBe(false);
    expect(m._p_changed).toBe(false);
  });

  it('pop with a fallback returns it; without one throws RangeError', () => {
    const m = new PersistentMapping<string, number>({ a: 1 });
    expect(m.pop('x', 5)).toBe(5);
    expect(() => m.pop('x')).toThrow(RangeError);
    expect(m instanceof Map).toBe(false);
    expect(Object.prototype.toString.call(m)).toBe('[object PersistentMapping]');
  });
});

describe('PersistentList', () => {
  it('supports index access, length and iteration', () => {
    const list = new PersistentList([1, 2, 3]);
    expect(list[0]).toBe(1);
    expect(list.length).toBe(3);
    expect([...list]).toEqual([1, 2, 3]);
    list[1] = 20;
    expect(list.toArray()).toEqual([1, 20, 3]);
    expect(1 in list).toBe(true);
    expect(5 in list).toBe(false);
  });

  it('every mutator marks it changed', () => {
    const mutators: [string, (l: PersistentList<number>) => void][] = [
      ['index set', (l) => (l[0] = 5)],
      ['length set', (l) => (l.length = 1)],
      ['push', (l) => l.push(4)],
      ['pop', (l) => l.pop()],
      ['shift', (l) => l.shift()],
      ['unshift', (l) => l.unshift(0)],
      ['splice', (l) => l.splice(0, 1)],
      ['sort', (l) => l.sort((a, b) => b - a)],
      ['reverse', (l) => l.reverse()],
      ['fill', (l) => l.fill(0)],
      ['copyWithin', (l) => l.copyWithin(0, 1)],
      ['clear', (l) => l.clear()],
      ['extend', (l) => l.extend([7, 8])],
      ['insert', (l) => l.insert(1, 9)],
      ['remove', (l) => l.remove(2)],
      ['set', (l) => l.set(0, 1)],
    ];
    for (const [name, mutate] of mutators) {
      const jar = new FakeJar();
      jar.states.set(1, { data: [1, 2, 3] });
      const list = newGhost(PersistentList, 1, jar) as unknown as PersistentList<number>;
      expect(list[0], name).toBe(1);
      expect(list._p_changed, name).toBe(false);
      mutate(list);
      expect(list._p_changed, name).toBe(true);
    }
  });

  it('slices and other derived sequences are plain arrays', () => {
    const list = new PersistentList([3, 1, 2]);
    for (const derived of [
      list.slice(1),
      list.map((x) => x),
      list.filter(() => true),
      list.concat([4]),
      list.toSorted(),
    ]) {
      expect(Array.isArray(derived)).toBe(true);
      expect(derived).not.toBeInstanceOf(PersistentList);
    }
    expect(list.toSorted()).toEqual([1, 2, 3]);
    expect(list.toArray()).toEqual([3, 1, 2]);
  });

  it('remove of a missing value throws RangeError', () => {
    expect(() => new PersistentList([1]).remove(2)).toThrow(RangeError);
  });
});
