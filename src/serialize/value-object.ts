/**
 * {@link ValueObject}: an instance of a value class decoded without its class.
 *
 * @module
 */

/**
 * An instance of a registered value class, decoded without resolving the
 * class (by `decodeRecordGeneric`): its registered name and its state as
 * stored (the own enumerable properties as a plain object, or whatever the
 * class's `__getstate__()` returned).
 *
 * Storing a ValueObject in a state with `encodeRecord` writes the instance
 * back exactly as it was read, without needing the class.
 */
export class ValueObject {
  /** Registered name of the instance's class. */
  readonly className: string;
  /** The stored state. */
  readonly state: unknown;

  constructor(className: string, state: unknown) {
    this.className = className;
    this.state = state;
  }
}

/**
 * Sets the state of a ValueObject created before its state was decoded (a
 * cycle through the instance needs the instance first).
 *
 * @internal
 */
export function fillValueObjectState(target: ValueObject, state: unknown): void {
  (target as { state: unknown }).state = state;
}
