import { describe, expect, it } from 'vitest';
import {
  ClassRegistry,
  defaultRegistry,
  register,
  registerClass,
} from '../../src/serialize/index.js';
import { ClassRegistrationError, ZODBError } from '../../src/errors.js';

function registrationError(action: () => void): ClassRegistrationError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ClassRegistrationError);
    return error as ClassRegistrationError;
  }
  throw new Error('registration succeeded, but an error was expected');
}

describe('ClassRegistry', () => {
  it('maps a class to its name and the name back to the class', () => {
    const registry = new ClassRegistry();
    class Book {}
    registry.register(Book, 'app.Book');
    expect(registry.nameOf(Book)).toBe('app.Book');
    expect(registry.classFor('app.Book')).toBe(Book);
    expect(registry.has('app.Book')).toBe(true);
    expect(registry.has('app.Missing')).toBe(false);
    expect(registry.classFor('app.Missing')).toBeUndefined();
  });

  it('names the exact class only, not its subclasses', () => {
    const registry = new ClassRegistry();
    class Base {}
    class Derived extends Base {}
    registry.register(Base, 'app.Base');
    expect(registry.nameOf(Derived)).toBeUndefined();
  });

  it('finds a class by any of its aliases, and names it by its name', () => {
    const registry = new ClassRegistry();
    class Book {}
    registry.register(Book, 'library.Book', { aliases: ['app.Book', 'Book'] });
    expect(registry.classFor('app.Book')).toBe(Book);
    expect(registry.classFor('Book')).toBe(Book);
    expect(registry.has('Book')).toBe(true);
    expect(registry.nameOf(Book)).toBe('library.Book');
  });

  it('treats registering the same class under the same name again as a no-op that may add aliases', () => {
    const registry = new ClassRegistry();
    class Book {}
    registry.register(Book, 'app.Book');
    registry.register(Book, 'app.Book');
    registry.register(Book, 'app.Book', { aliases: ['old.Book'] });
    expect(registry.nameOf(Book)).toBe('app.Book');
    expect(registry.classFor('old.Book')).toBe(Book);
  });

  it('refuses a second name for a registered class, suggesting an alias', () => {
    const registry = new ClassRegistry();
    class Book {}
    registry.register(Book, 'app.Book');
    const error = registrationError(() => registry.register(Book, 'app.Volume'));
    expect(error.className).toBe('app.Volume');
    expect(error.message).toContain('already registered as "app.Book"');
    expect(error.message).toContain('alias');
    expect(error).toBeInstanceOf(ZODBError);
  });

  it('refuses a name or alias that belongs to another class', () => {
    const registry = new ClassRegistry();
    class Book {}
    class Magazine {}
    registry.register(Book, 'app.Book', { aliases: ['old.Book'] });
    expect(registrationError(() => registry.register(Magazine, 'app.Book')).message).toContain(
      'class Book',
    );
    expect(
      registrationError(() =>
        registry.register(Magazine, 'app.Magazine', { aliases: ['old.Book'] }),
      ).className,
    ).toBe('old.Book');
  });

  it('registers nothing when any part of a registration is refused', () => {
    const registry = new ClassRegistry();
    class Book {}
    class Magazine {}
    registry.register(Book, 'app.Book');
    registrationError(() => registry.register(Magazine, 'app.Magazine', { aliases: ['app.Book'] }));
    expect(registry.has('app.Magazine')).toBe(false);
    expect(registry.nameOf(Magazine)).toBeUndefined();
  });

  it.each([[''], ['   ']])('refuses the empty name %j', (name) => {
    const registry = new ClassRegistry();
    class Book {}
    expect(registrationError(() => registry.register(Book, name)).message).toContain(
      'non-empty name',
    );
    expect(
      registrationError(() => registry.register(Book, 'app.Book', { aliases: [name] })).message,
    ).toContain('non-empty name');
  });

  it('refuses something that is not a class', () => {
    const registry = new ClassRegistry();
    expect(() => registry.register({} as never, 'app.Thing')).toThrow(TypeError);
  });
});

describe('registerClass and @register', () => {
  it('registerClass registers on the default registry and returns the class', () => {
    class Invoice {}
    expect(registerClass(Invoice, 'test.registry.Invoice')).toBe(Invoice);
    expect(defaultRegistry.nameOf(Invoice)).toBe('test.registry.Invoice');
  });

  it('@register registers the decorated class on the default registry', () => {
    @register('test.registry.Decorated', { aliases: ['test.registry.OldDecorated'] })
    class Decorated {
      value = 1;
    }
    expect(defaultRegistry.nameOf(Decorated)).toBe('test.registry.Decorated');
    expect(defaultRegistry.classFor('test.registry.OldDecorated')).toBe(Decorated);
    expect(new Decorated().value).toBe(1);
  });

  it('@register fails when the class is defined if the name is taken', () => {
    registerClass(class Taken {}, 'test.registry.Taken');
    expect(() => {
      @register('test.registry.Taken')
      class Other {}
      return Other;
    }).toThrow(ClassRegistrationError);
  });
});
