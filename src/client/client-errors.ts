/**
 * Errors arriving from the network worker: the server's errors (rebuilt as
 * the classes of `src/errors.ts` by the protocol's error mapping) and the
 * worker's own "no connection" failures (ClientDisconnectedError naming
 * the server address).
 *
 * @internal
 * @module
 */

import { ClientDisconnectedError } from '../errors.js';
import { errorFromWire } from '../protocol/wire-errors.js';
import { DISCONNECTED_ERROR_TYPE, type WireErrorValue } from './bridge-messages.js';

/** The error to throw for a wire error from the worker. */
export function decodeWireError(error: WireErrorValue): Error {
  if (error.type === DISCONNECTED_ERROR_TYPE) {
    const address = error.details?.address;
    return new ClientDisconnectedError(
      error.message,
      typeof address === 'string' ? address : undefined,
    );
  }
  return errorFromWire(error);
}
