/**
 * `StorageServer`: serves named storages to `ClientStorage`s over any
 * number of listeners (TCP, Unix sockets, each optionally TLS), with
 * authentication, read-only modes, and a graceful close.
 *
 * @example
 * ```ts
 * const server = await StorageServer.start({
 *   storages: new Map([['1', await FileStorage.open('/var/db/Data.fs')]]),
 *   listen: [{ host: '127.0.0.1', port: 8100 }],
 * });
 * console.log(server.addresses);
 * // ... on SIGTERM:
 * await server.close();
 * ```
 *
 * @module
 */

import { lstatSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import {
  INVALIDATION_QUEUE_SIZE_DEFAULT,
  MAX_FRAME_BYTES_DEFAULT,
  PROTOCOL_VERSION,
} from '../protocol/limits.js';
import type { HelloInfo } from '../protocol/messages.js';
import type { Storage } from '../storage/interfaces.js';
import type { AuthenticationOptions } from './authentication.js';
import { Authenticator } from './authentication.js';
import {
  REGISTER_TIMEOUT_MS_DEFAULT,
  SHUTDOWN_TIMEOUT_MS_DEFAULT,
  TRANSACTION_TIMEOUT_MS_DEFAULT,
} from './limits.js';
import type { ListenAddress, ServerAddress } from './listen-address.js';
import { formatServerAddress, isUnixListen } from './listen-address.js';
import { ServedStorage } from './served-storage.js';
import { parseServerConfiguration, serverOptionsFromConfiguration } from './server-config.js';
import type { ServerLog } from './server-log.js';
import { silentLog } from './server-log.js';
import { Session } from './session.js';

/** The server's version string, sent in `hello`. */
export const SERVER_VERSION = 'zodb-ts-server/0.1';

/** Options of {@link StorageServer.start}. */
export interface StorageServerOptions {
  /** The storages to serve, by name (clients name one in `register`). */
  readonly storages: ReadonlyMap<string, Storage>;
  /** Where to listen (at least one). */
  readonly listen: readonly ListenAddress[];
  /** Token and/or password authentication; none by default. */
  readonly authentication?: AuthenticationOptions | undefined;
  /** Serve every storage read-only. */
  readonly readOnly?: boolean | undefined;
  /** Names of storages to serve read-only. */
  readonly readOnlyStorages?: readonly string[] | undefined;
  /** Transactions remembered for cache verification (default 10,000). */
  readonly invalidationQueueSize?: number | undefined;
  /** Longest time a transaction may hold the commit lock, vote to finish, before it is aborted and its client disconnected (default 30 s). */
  readonly transactionTimeoutMs?: number | undefined;
  /** Time a new connection has to register before it is closed (default 30 s). */
  readonly registerTimeoutMs?: number | undefined;
  /** Largest frame accepted from a client (default 64 MiB). */
  readonly maxFrameBytes?: number | undefined;
  /** How long `close()` waits for commits in flight before aborting them (default 10 s). */
  readonly shutdownTimeoutMs?: number | undefined;
  /** Close the storages in `close()` (default true). */
  readonly closeStorages?: boolean | undefined;
  /** Where to log (default: nowhere). */
  readonly log?: ServerLog | undefined;
}

/** A running storage server. */
export class StorageServer {
  private readonly sessions = new Set<Session>();
  private readonly listeners: net.Server[] = [];
  private readonly boundAddresses: ServerAddress[] = [];
  private closing: Promise<void> | undefined;
  /** @internal */
  readonly host: {
    log: ServerLog;
    authenticator: Authenticator;
    storages: ReadonlyMap<string, ServedStorage>;
    hello: HelloInfo;
    maxFrameBytes: number;
    transactionTimeoutMs: number;
    registerTimeoutMs: number;
    sessionClosed: (session: Session) => void;
  };

  private constructor(private readonly options: StorageServerOptions) {
    const readOnlyNames = new Set(options.readOnlyStorages ?? []);
    const storages = new Map<string, ServedStorage>();
    for (const [name, storage] of options.storages) {
      storages.set(
        name,
        new ServedStorage(name, storage, {
          readOnly: options.readOnly === true || readOnlyNames.has(name),
          invalidationQueueSize: options.invalidationQueueSize ?? INVALIDATION_QUEUE_SIZE_DEFAULT,
        }),
      );
    }
    const authenticator = new Authenticator(options.authentication);
    this.host = {
      log: options.log ?? silentLog,
      authenticator,
      storages,
      hello: {
        protocol: PROTOCOL_VERSION,
        server: SERVER_VERSION,
        storages: [...storages.keys()],
        auth: authenticator.mode,
      },
      maxFrameBytes: options.maxFrameBytes ?? MAX_FRAME_BYTES_DEFAULT,
      transactionTimeoutMs: options.transactionTimeoutMs ?? TRANSACTION_TIMEOUT_MS_DEFAULT,
      registerTimeoutMs: options.registerTimeoutMs ?? REGISTER_TIMEOUT_MS_DEFAULT,
      sessionClosed: (session) => this.sessions.delete(session),
    };
  }

  /**
   * Starts serving: opens every listener. On failure the listeners opened
   * so far are closed (the storages are not).
   *
   * @throws RangeError without storages or listeners; the listen error (address in use, ...).
   */
  static async start(options: StorageServerOptions): Promise<StorageServer> {
    if (options.storages.size === 0)
      throw new RangeError('a storage server needs at least one storage');
    if (options.listen.length === 0)
      throw new RangeError('a storage server needs at least one address to listen on');
    const server = new StorageServer(options);
    try {
      for (const address of options.listen) await server.listenOn(address);
    } catch (error) {
      for (const listener of server.listeners) listener.close();
      throw error;
    }
    return server;
  }

  /**
   * Starts a server for a configuration text (`<zeo>` and storage
   * sections; see `server-config.ts`), opening its storages. `options`
   * adds to or replaces what the text says (a log, listen addresses).
   *
   * @example
   * ```ts
   * const server = await StorageServer.startFromConfiguration(
   *   '<zeo>\n address 127.0.0.1:8100\n</zeo>\n<filestorage 1>\n path /var/db/Data.fs\n</filestorage>',
   *   { log: lineLog() },
   * );
   * ```
   * @throws ConfigError for the text; the storages' and listeners' errors (storages opened are closed again).
   */
  static async startFromConfiguration(
    text: string,
    options: Partial<StorageServerOptions> = {},
  ): Promise<StorageServer> {
    const configured = await serverOptionsFromConfiguration(parseServerConfiguration(text), {
      readOnly: options.readOnly,
    });
    try {
      return await StorageServer.start({ ...configured, ...options });
    } catch (error) {
      for (const storage of configured.storages.values()) await storage.close();
      throw error;
    }
  }

  /** The addresses listened on (actual ports when 0 was asked). */
  get addresses(): readonly ServerAddress[] {
    return this.boundAddresses;
  }

  /** Number of open client connections. */
  get connectionCount(): number {
    return this.sessions.size;
  }

  private async listenOn(address: ListenAddress): Promise<void> {
    const onConnection = (socket: net.Socket): void => this.accept(socket, address);
    const server = address.tls
      ? tls.createServer({ cert: address.tls.cert, key: address.tls.key }, onConnection)
      : net.createServer(onConnection);
    server.on('tlsClientError', (error: Error, socket: tls.TLSSocket) => {
      this.host.log.warn('TLS handshake failed', {
        peer: describePeer(socket, address),
        reason: error.message,
      });
    });
    if (isUnixListen(address)) removeStaleSocket(address.path);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      const done = (): void => {
        server.off('error', reject);
        resolve();
      };
      if (isUnixListen(address)) server.listen(address.path, done);
      else server.listen(address.port, address.host, done);
    });
    server.on('error', (error) => this.host.log.error('listener failed', { error: error.message }));
    this.listeners.push(server);
    const bound = server.address();
    const tlsOn = address.tls !== undefined;
    const actual: ServerAddress =
      bound !== null && typeof bound === 'object'
        ? { kind: 'tcp', host: bound.address, port: bound.port, tls: tlsOn }
        : { kind: 'unix', path: isUnixListen(address) ? address.path : String(bound), tls: tlsOn };
    this.boundAddresses.push(actual);
    this.host.log.info('listening', { address: formatServerAddress(actual) });
  }

  private accept(socket: net.Socket, address: ListenAddress): void {
    if (this.closing !== undefined) {
      socket.destroy();
      return;
    }
    this.sessions.add(new Session(socket, this.host, describePeer(socket, address)));
  }

  /**
   * Graceful shutdown: stops accepting, sends `shutdown` to every client,
   * waits for commits in flight (at most `shutdownTimeoutMs`, then aborts
   * them), closes the connections and (unless `closeStorages: false`) the
   * storages. Idempotent.
   */
  close(reason = 'the server is shutting down'): Promise<void> {
    this.closing ??= this.shutdown(reason);
    return this.closing;
  }

  private async shutdown(reason: string): Promise<void> {
    const log = this.host.log;
    log.info('shutting down', { reason, connections: this.sessions.size });
    const listenersClosed = this.listeners.map(
      (l) => new Promise<void>((resolve) => l.close(() => resolve())),
    );
    for (const session of this.sessions) session.notify('shutdown', [reason]);
    const served = [...this.host.storages.values()];
    const idle = Promise.all(served.map((s) => s.whenIdle()));
    const timeoutMs = this.options.shutdownTimeoutMs ?? SHUTDOWN_TIMEOUT_MS_DEFAULT;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      idle.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      log.warn('aborting commits still in flight at shutdown', {
        commits: served.reduce((n, s) => n + s.commitsInFlight, 0),
      });
      await Promise.all(served.map((s) => s.abortAll()));
    }
    const sessionsClosed = [...this.sessions].map((session) => session.closeAndWait());
    await Promise.all(sessionsClosed);
    await Promise.all(listenersClosed);
    if (this.options.closeStorages !== false) {
      for (const s of served) {
        try {
          await s.storage.close();
        } catch (error) {
          log.error('closing a storage failed', {
            storage: s.name,
            error: (error as Error).message,
          });
        }
      }
    }
    log.info('stopped');
  }
}

function describePeer(socket: net.Socket, address: ListenAddress): string {
  if (isUnixListen(address)) return `unix:${address.path}`;
  const host = socket.remoteAddress ?? '?';
  return host.includes(':') ? `[${host}]:${socket.remotePort}` : `${host}:${socket.remotePort}`;
}

/** Removes a Unix socket file left by a server that did not shut down (never any other kind of file). */
function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) rmSync(path);
  } catch {
    /* absent: nothing to remove */
  }
}
