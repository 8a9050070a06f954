/**
 * The class registry: classes are stored by a registered, stable name.
 *
 * Records name their class; classes themselves are never stored. Bundlers
 * and minifiers rename classes, so `constructor.name` is not a stable name:
 * every persistent class, and every plain value class stored inside
 * persistent objects, is registered under an explicit name such as
 * `'app.Book'`. A renamed or moved class keeps its old name as an alias so
 * records written under the old name still load.
 *
 * @module
 */

import { ClassRegistrationError } from '../errors.js';

/** Any class (abstract or not) whose instances are objects. */
export type AnyClass = abstract new (...args: never[]) => object;

/** Options of {@link ClassRegistry.register}. */
export interface RegisterOptions {
  /** Former names of the class: records written under them decode to this class. */
  aliases?: readonly string[];
}

/**
 * A two-way table between classes and their stable names.
 *
 * A class has exactly one name (what records are written with) and any
 * number of aliases (names it is also read under). A name or alias belongs
 * to one class only.
 *
 * @example
 * ```ts
 * const registry = new ClassRegistry();
 * registry.register(Money, 'shop.Money', { aliases: ['Money'] });
 * registry.nameOf(Money); // 'shop.Money'
 * registry.classFor('Money'); // Money
 * ```
 */
export class ClassRegistry {
  readonly #nameByClass = new Map<AnyClass, string>();
  readonly #classByName = new Map<string, AnyClass>();

  /**
   * Registers `cls` under `name`, and under each alias for reading.
   *
   * Registering the same class under the same name again is a no-op (modules
   * reloaded in tests), and may add aliases.
   *
   * @throws ClassRegistrationError if `name` or an alias is empty or blank,
   *   if `cls` is already registered under another name, or if `name` or an
   *   alias already belongs to another class. Nothing is registered then.
   * @throws TypeError if `cls` is not a class.
   */
  register(cls: AnyClass, name: string, options: RegisterOptions = {}): void {
    if (typeof cls !== 'function') {
      throw new TypeError(`register: expected a class for "${String(name)}", got ${typeof cls}`);
    }
    const aliases = options.aliases ?? [];
    for (const label of [name, ...aliases]) checkName(label, cls);
    const existing = this.#nameByClass.get(cls);
    if (existing !== undefined && existing !== name) {
      throw new ClassRegistrationError(
        `class ${describeClass(cls)} is already registered as "${existing}"; ` +
          `it cannot also be registered as "${name}" (add the old name as an alias instead)`,
        name,
      );
    }
    for (const label of [name, ...aliases]) this.#checkFree(label, cls);
    this.#nameByClass.set(cls, name);
    for (const label of [name, ...aliases]) this.#classByName.set(label, cls);
  }

  /** The name `cls` itself is registered under (not inherited by subclasses), or undefined. */
  nameOf(cls: AnyClass): string | undefined {
    return this.#nameByClass.get(cls);
  }

  /** The class registered under `name`, as its name or an alias, or undefined. */
  classFor(name: string): AnyClass | undefined {
    return this.#classByName.get(name);
  }

  /** Whether `name` is a registered name or alias. */
  has(name: string): boolean {
    return this.#classByName.has(name);
  }

  #checkFree(label: string, cls: AnyClass): void {
    const owner = this.#classByName.get(label);
    if (owner !== undefined && owner !== cls) {
      throw new ClassRegistrationError(
        `the name "${label}" is already registered for class ${describeClass(owner)}; ` +
          `class ${describeClass(cls)} needs another name`,
        label,
      );
    }
  }
}

function checkName(label: unknown, cls: AnyClass): asserts label is string {
  if (typeof label !== 'string' || label.trim() === '') {
    throw new ClassRegistrationError(
      `class ${describeClass(cls)} needs a non-empty name, e.g. 'app.${cls.name || 'Thing'}'`,
      String(label),
    );
  }
}

function describeClass(cls: AnyClass): string {
  return cls.name === '' ? '(anonymous class)' : cls.name;
}

/** The registry used when no other is given: by the codec, the connection and the tools. */
export const defaultRegistry: ClassRegistry = new ClassRegistry();

/**
 * Registers `cls` under `name` on the {@link defaultRegistry} and returns it.
 *
 * @example
 * ```ts
 * export const Money = registerClass(class Money { amount = 0n; currency = 'EUR' }, 'shop.Money');
 * ```
 * @throws ClassRegistrationError as {@link ClassRegistry.register}.
 */
export function registerClass<C extends AnyClass>(
  cls: C,
  name: string,
  options?: RegisterOptions,
): C {
  defaultRegistry.register(cls, name, options);
  return cls;
}

/**
 * Class decorator (TC39 / TypeScript 5 standard decorators) registering the
 * class under `name` on the {@link defaultRegistry} when it is defined.
 *
 * @example
 * ```ts
 * @register('app.Book', { aliases: ['Book'] })
 * class Book extends Persistent { title = ''; }
 * ```
 * @throws ClassRegistrationError as {@link ClassRegistry.register}, when the class is defined.
 */
export function register(
  name: string,
  options?: RegisterOptions,
): <C extends AnyClass>(cls: C, context: ClassDecoratorContext<C>) => void {
  return (cls, context) => {
    if (context.kind !== 'class') {
      throw new TypeError(
        `@register('${name}') decorates classes only, not a ${String(context.kind)}`,
      );
    }
    defaultRegistry.register(cls, name, options);
  };
}
