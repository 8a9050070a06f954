/**
 * What {@link startServerThread} and its worker exchange.
 *
 * @internal
 * @module
 */

import type { ServerAddress } from './listen-address.js';

/** The worker's `workerData`. */
export interface ServerThreadData {
  readonly config: string;
  readonly listen: readonly string[] | undefined;
  readonly readOnly: boolean;
  readonly log: boolean;
}

/** A message from the worker. */
export type ServerThreadEvent =
  | { readonly type: 'started'; readonly addresses: readonly ServerAddress[] }
  | { readonly type: 'failed'; readonly name: string; readonly message: string }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'stopped' };
