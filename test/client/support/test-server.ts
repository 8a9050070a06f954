/**
 * A real storage server for the client tests: `startServerThread` (the
 * server in a worker thread: a ClientStorage blocks its thread while
 * loading, so the server cannot share it), configured from a list of
 * storages.
 */

import { startServerThread } from '../../../src/server/server-thread.js';

/** One storage the server serves. */
export type StorageSpec =
  | { readonly name: string; readonly kind: 'mapping' }
  | { readonly name: string; readonly kind: 'demo' }
  | {
      readonly name: string;
      readonly kind: 'file';
      readonly path: string;
      readonly blobDir?: string;
    };

/** Server options. */
export interface TestServerOptions {
  /** TCP port on 127.0.0.1 (default 0: a free port). */
  readonly port?: number;
  /** Listen on this Unix socket instead of TCP. */
  readonly unixPath?: string;
  readonly readOnly?: boolean;
  readonly token?: string;
  /** Transactions the server remembers for cache verification. */
  readonly invalidationQueueSize?: number;
  /** Serve TLS with this certificate and key (PEM files). */
  readonly tls?: { readonly certificate: string; readonly key: string };
}

/** A running test server. */
export interface TestServer {
  /** `host:port` or the socket path. */
  readonly address: string;
  /** The port (0 for a Unix socket). */
  readonly port: number;
  /** Closes the server (gracefully) and ends its thread. */
  stop(): Promise<void>;
}

function storageSection(spec: StorageSpec): string {
  switch (spec.kind) {
    case 'mapping':
      return `<mappingstorage ${spec.name}>\n</mappingstorage>`;
    case 'demo':
      return `<demostorage ${spec.name}>\n</demostorage>`;
    case 'file':
      return [
        `<filestorage ${spec.name}>`,
        `  path ${spec.path}`,
        ...(spec.blobDir === undefined ? [] : [`  blob-dir ${spec.blobDir}`]),
        '</filestorage>',
      ].join('\n');
  }
}

function zeoSection(options: TestServerOptions): string {
  const keys = [
    ...(options.token === undefined ? [] : [`  authentication-token ${options.token}`]),
    ...(options.invalidationQueueSize === undefined
      ? []
      : [`  invalidation-queue-size ${options.invalidationQueueSize}`]),
    ...(options.tls === undefined
      ? []
      : [`  tls-certificate ${options.tls.certificate}`, `  tls-key ${options.tls.key}`]),
  ];
  return keys.length === 0 ? '' : ['<zeo>', ...keys, '</zeo>'].join('\n');
}

/** Starts a server for `storages` on 127.0.0.1 (`port` 0: any free port) or a Unix socket. */
export async function startTestServer(
  storages: readonly StorageSpec[],
  options: TestServerOptions = {},
): Promise<TestServer> {
  const handle = await startServerThread({
    config: [zeoSection(options), ...storages.map(storageSection)].join('\n'),
    listen: [options.unixPath ?? `127.0.0.1:${options.port ?? 0}`],
    readOnly: options.readOnly,
  });
  const address = handle.addresses[0]!;
  return address.kind === 'tcp'
    ? { address: `${address.host}:${address.port}`, port: address.port, stop: () => handle.stop() }
    : { address: address.path, port: 0, stop: () => handle.stop() };
}
