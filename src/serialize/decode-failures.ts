/**
 * How decoding failures travel: malformed bytes become
 * `CorruptedDataError`; errors thrown by the caller's callbacks (resolveRef,
 * a class's `__setstate__`) pass through unchanged, even from inside
 * msgpackr, which decorates the errors it sees.
 *
 * @module
 */

import { CorruptedDataError, ZODBError } from '../errors.js';

/** A structural problem found while decoding; becomes a CorruptedDataError. */
export class MalformedRecord extends Error {
  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(message);
  }
}

/** Carries an error thrown by a caller's callback through msgpackr untouched. */
export class CallbackFailure {
  constructor(readonly error: unknown) {}
}

/** Runs a caller's callback, boxing what it throws so decoding cannot mistake it for corruption. */
export function callCaller<T>(callback: () => T): T {
  try {
    return callback();
  } catch (error) {
    throw new CallbackFailure(error);
  }
}

/**
 * The error to throw for `error` caught around a decode: the caller's own
 * error unboxed, this package's errors as they are, anything else (msgpackr's
 * messages, stack overflows on hostile nesting) wrapped in a
 * CorruptedDataError with the original as `cause`. `valueOffset` is where
 * the MessagePack value being read started, for errors that carry no offset.
 */
export function decodeError(error: unknown, what: string, valueOffset?: number): unknown {
  if (error instanceof CallbackFailure) return error.error;
  if (error instanceof ZODBError) return error;
  if (error instanceof MalformedRecord) {
    const offset = error.offset ?? valueOffset;
    return new CorruptedDataError(
      `${what}: ${error.message}`,
      offset === undefined ? {} : { offset },
    );
  }
  const detail = error instanceof Error ? error.message : String(error);
  const message = `${what}: the value starting here is not valid MessagePack (${detail})`;
  return new CorruptedDataError(
    message,
    valueOffset === undefined ? { cause: error } : { offset: valueOffset, cause: error },
  );
}
