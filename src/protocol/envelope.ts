/**
 * The envelope of every payload (PROTOCOL.md, "Messages"): a request, a
 * reply, an error reply or a notification, narrowed from a decoded value.
 *
 * @module
 */

import { ProtocolError } from '../errors.js';
import { REQUEST_ID_MAX } from './limits.js';
import { wireArray, wireInt, wireString } from './wire-values.js';

/** A decoded envelope; `args`, `result` and `error` are still to be narrowed. */
export type Envelope =
  | {
      readonly kind: 0;
      readonly id: number;
      readonly method: string;
      readonly args: readonly unknown[];
    }
  | { readonly kind: 1; readonly id: number; readonly result: unknown }
  | { readonly kind: 2; readonly id: number; readonly error: unknown }
  | { readonly kind: 3; readonly method: string; readonly args: readonly unknown[] };

/** Largest number of arguments of any message. */
const ARGS_MAX = 16;

/**
 * Narrows a decoded payload to its envelope.
 *
 * @throws ProtocolError when it is not one of the four shapes.
 */
export function readEnvelope(value: unknown): Envelope {
  if (!Array.isArray(value) || value.length < 3 || value.length > 4) {
    throw new ProtocolError('a message must be an array of 3 or 4 items starting with its kind');
  }
  const items = value as readonly unknown[];
  const kind = items[0];
  switch (kind) {
    case 0:
      if (items.length !== 4) break;
      return {
        kind,
        id: wireInt(items[1], 'request id', 0, REQUEST_ID_MAX),
        method: wireString(items[2], 'request method', 64),
        args: wireArray(items[3], 'request args', ARGS_MAX),
      };
    case 1:
    case 2:
      if (items.length !== 3) break;
      return kind === 1
        ? { kind, id: wireInt(items[1], 'reply id', 0, REQUEST_ID_MAX), result: items[2] }
        : { kind, id: wireInt(items[1], 'reply id', 0, REQUEST_ID_MAX), error: items[2] };
    case 3:
      if (items.length !== 3) break;
      return {
        kind,
        method: wireString(items[1], 'notification method', 64),
        args: wireArray(items[2], 'notification args', ARGS_MAX),
      };
  }
  throw new ProtocolError(
    `a message of kind ${String(kind)} with ${items.length} items is not a known shape`,
  );
}
