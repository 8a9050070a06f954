/**
 * {@link ObjectNumbers}: the number of each inline object met in the state
 * being encoded, to find shared and cyclic structure (FORMAT.md,
 * "Structures").
 *
 * @module
 */

/**
 * Objects kept in the lists before a Map takes the rest: most states hold a
 * handful of containers (a bucket state holds three), for which a scan of a
 * short list is faster than a Map, and allocates nothing.
 */
const LISTED_OBJECTS_MAX = 16;

/**
 * The objects of one state and their numbers. One instance serves state
 * after state ({@link ObjectNumbers.clear}), so the lists are not
 * reallocated per record.
 */
export class ObjectNumbers {
  readonly #objects: (object | undefined)[] = new Array<object | undefined>(
    LISTED_OBJECTS_MAX,
  ).fill(undefined);
  readonly #numbers: number[] = new Array<number>(LISTED_OBJECTS_MAX).fill(0);
  #count = 0;
  /** The objects met after the lists filled up. */
  #more: Map<object, number> | undefined;

  /** The number given to `value`, or undefined if it has none yet. */
  get(value: object): number | undefined {
    const objects = this.#objects;
    for (let i = 0; i < this.#count; i++) if (objects[i] === value) return this.#numbers[i];
    return this.#more?.get(value);
  }

  /** Gives `value` (not met before) the number `number`. */
  add(value: object, number: number): void {
    const count = this.#count;
    if (count < LISTED_OBJECTS_MAX) {
      this.#objects[count] = value;
      this.#numbers[count] = number;
      this.#count = count + 1;
    } else {
      (this.#more ??= new Map<object, number>()).set(value, number);
    }
  }

  /** Forgets every object (so none is kept alive by this instance). */
  clear(): void {
    for (let i = 0; i < this.#count; i++) this.#objects[i] = undefined;
    this.#count = 0;
    this.#more = undefined;
  }
}
