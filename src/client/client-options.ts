/**
 * The options of {@link ClientStorage} and their normalization: server
 * addresses in every accepted form, defaults from `limits.ts`.
 *
 * @module
 */

import type { ClientTlsOptions, ServerAddress } from './bridge-messages.js';
import {
  CACHE_BYTES_DEFAULT,
  FRAME_BYTES_MAX_DEFAULT,
  NEIGHBOURS_DEFAULT,
  WAIT_TIMEOUT_MS_DEFAULT,
} from './limits.js';

export type { ClientTlsOptions, ServerAddress } from './bridge-messages.js';

/**
 * A server address: `"host:port"`, `"[::1]:port"`, a Unix socket path
 * (anything with a `/`), `{ host, port }` or `{ path }`.
 */
export type ClientAddress = string | ServerAddress;

/** Options of {@link ClientStorage}. */
export interface ClientStorageOptions {
  /** The server, or a list of servers tried in order on each (re)connection. */
  readonly address: ClientAddress | readonly ClientAddress[];
  /** The name of the storage on the server (default `'1'`, as ZEO). */
  readonly storage?: string;
  /** Open read-only (refuse writes locally, register read-only). */
  readonly readOnly?: boolean;
  /** When the server refuses a writable connection, connect read-only instead. */
  readonly readOnlyFallback?: boolean;
  /** The shared secret of a server with token authentication. */
  readonly token?: string;
  /** The user of a server with password authentication. */
  readonly user?: string;
  /** The password of {@link user}. */
  readonly password?: string;
  /** Connect over TLS with these settings. */
  readonly tls?: ClientTlsOptions;
  /** Size of the client cache in bytes (default 20 MB). */
  readonly cacheSize?: number;
  /** Persistent cache file: read at open, written at close and periodically. */
  readonly cacheFile?: string;
  /**
   * Seconds a read or commit waits for a connection before throwing
   * ClientDisconnectedError (default 30); also bounds the constructor's
   * wait for the first connection.
   */
  readonly waitTimeout?: number;
  /** Local blob cache directory (default: a temporary directory removed at close). */
  readonly blobDir?: string;
  /** The server's blob directory, mounted here: blob files are read directly from it. */
  readonly sharedBlobDir?: string;
  /** Referenced objects the server may add to each load reply (default 64; 0 turns it off). */
  readonly neighbours?: number;
  /** Largest frame accepted from the server, in bytes (default 64 MiB). */
  readonly maxFrameBytes?: number;
  /** A label for the server's log (default `pid <pid>`). */
  readonly clientLabel?: string;
  /** The storage's name (default: the first address and the storage name). */
  readonly name?: string;
}

/** {@link ClientStorageOptions} with defaults applied. */
export interface NormalizedClientOptions {
  readonly addresses: readonly ServerAddress[];
  readonly storage: string;
  readonly readOnly: boolean;
  readonly readOnlyFallback: boolean;
  readonly token: string | undefined;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly tls: ClientTlsOptions | undefined;
  readonly cacheBytes: number;
  readonly cacheFile: string | undefined;
  readonly waitTimeoutMs: number;
  readonly blobDir: string | undefined;
  readonly sharedBlobDir: string | undefined;
  readonly neighbours: number;
  readonly maxFrameBytes: number;
  readonly clientLabel: string;
}

/**
 * Parses one address.
 *
 * @throws RangeError when a `host:port` string has no valid port.
 */
export function parseAddress(address: ClientAddress): ServerAddress {
  if (typeof address !== 'string') return address;
  if (address.includes('/')) return { path: address };
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(address);
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(
      `"${address}" is not a server address; expected host:port, [ipv6]:port or a socket path`,
    );
  }
  return { host: match[1] ?? (match[2] === '' ? 'localhost' : match[2]!), port };
}

function nonNegative(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `ClientStorage option ${what} must be a non-negative number, got ${value}`,
    );
  }
  return value;
}

/** Applies the defaults and checks every option. */
export function normalizeOptions(options: ClientStorageOptions): NormalizedClientOptions {
  const list: readonly ClientAddress[] = Array.isArray(options.address)
    ? (options.address as readonly ClientAddress[])
    : [options.address as ClientAddress];
  if (list.length === 0) throw new RangeError('ClientStorage needs at least one server address');
  return {
    addresses: list.map(parseAddress),
    storage: options.storage ?? '1',
    readOnly: options.readOnly ?? false,
    readOnlyFallback: options.readOnlyFallback ?? false,
    token: options.token,
    user: options.user,
    password: options.password,
    tls: options.tls,
    cacheBytes: nonNegative(options.cacheSize, CACHE_BYTES_DEFAULT, 'cacheSize'),
    cacheFile: options.cacheFile,
    waitTimeoutMs:
      options.waitTimeout === undefined
        ? WAIT_TIMEOUT_MS_DEFAULT
        : nonNegative(options.waitTimeout, 0, 'waitTimeout') * 1000,
    blobDir: options.blobDir,
    sharedBlobDir: options.sharedBlobDir,
    neighbours: Math.floor(nonNegative(options.neighbours, NEIGHBOURS_DEFAULT, 'neighbours')),
    maxFrameBytes: Math.floor(
      nonNegative(options.maxFrameBytes, FRAME_BYTES_MAX_DEFAULT, 'maxFrameBytes'),
    ),
    clientLabel: options.clientLabel ?? `pid ${process.pid}`,
  };
}
