/**
 * Where a server listens: TCP (`host:port`) or a Unix socket path, each
 * optionally TLS. {@link parseListenAddress} reads the text form used by
 * the CLI and the `<zeo>` section's `address` key.
 *
 * @module
 */

import { ConfigError } from '../config/config-error.js';

/** TLS material of a listener (PEM text). */
export interface TlsOptions {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

/** A TCP listener; `port` 0 picks a free port. */
export interface TcpListen {
  readonly host: string;
  readonly port: number;
  readonly tls?: TlsOptions | undefined;
}

/** A Unix-socket listener. */
export interface UnixListen {
  readonly path: string;
  readonly tls?: TlsOptions | undefined;
}

/** One listener to open. */
export type ListenAddress = TcpListen | UnixListen;

/** An open listener's actual address. */
export type ServerAddress =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly tls: boolean }
  | { readonly kind: 'unix'; readonly path: string; readonly tls: boolean };

/** True for a Unix-socket listener. */
export function isUnixListen(address: ListenAddress): address is UnixListen {
  return 'path' in address;
}

/**
 * Reads `host:port`, `[v6-host]:port`, `:port` / `port` (all interfaces
 * of localhost: `127.0.0.1`), or a path (contains `/`) for a Unix socket.
 *
 * @throws ConfigError (location `where`) when it is neither.
 */
export function parseListenAddress(text: string, where = '<address>'): ListenAddress {
  const trimmed = text.trim();
  if (trimmed.includes('/')) return { path: trimmed };
  const match = /^(?:\[([^\]]+)\]|([^:]*)):?(\d+)$/.exec(trimmed);
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(
      { source: where, line: 1, column: 1 },
      `"${text}" is not an address: expected host:port, :port or a Unix socket path`,
    );
  }
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? '127.0.0.1' : host, port };
}

/** `host:port` or the socket path, for logs and CLI output. */
export function formatServerAddress(address: ServerAddress): string {
  const text =
    address.kind === 'unix'
      ? address.path
      : address.host.includes(':')
        ? `[${address.host}]:${address.port}`
        : `${address.host}:${address.port}`;
  return address.tls ? `${text} (tls)` : text;
}
