/**
 * A real storage server for the client tests, running in a worker thread
 * (a ClientStorage blocks its thread while loading, so the server cannot
 * share it). The worker script is bundled once per test process with
 * esbuild, as the client's own worker is.
 */

import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

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

/** What the server worker gets. */
export interface ServerWorkerData {
  readonly storages: readonly StorageSpec[];
  readonly port: number;
  readonly unixPath?: string;
  readonly readOnly?: boolean;
  readonly token?: string;
  /** Transactions the server remembers for cache verification. */
  readonly invalidationQueueSize?: number;
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

let bundle: string | undefined;

function serverScript(): string {
  if (bundle !== undefined) return bundle;
  const require = createRequire(import.meta.url);
  const esbuild = require('esbuild') as { buildSync(options: Record<string, unknown>): unknown };
  const here = path.dirname(fileURLToPath(import.meta.url));
  const out = path.resolve(
    here,
    '../../../node_modules/.cache/zodb-client-tests',
    String(process.pid),
  );
  fs.mkdirSync(out, { recursive: true });
  process.once('exit', () => fs.rmSync(out, { recursive: true, force: true }));
  bundle = path.join(out, 'server-worker.mjs');
  esbuild.buildSync({
    entryPoints: [path.join(here, 'server-worker.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  return bundle;
}

/** Starts a server for `storages` on 127.0.0.1 (`port` 0: any free port) or a Unix socket. */
export async function startTestServer(
  storages: readonly StorageSpec[],
  options: Omit<ServerWorkerData, 'storages' | 'port'> & { readonly port?: number } = {},
): Promise<TestServer> {
  const workerData: ServerWorkerData = { ...options, storages, port: options.port ?? 0 };
  const worker = new Worker(serverScript(), { workerData });
  const address = await new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { kind: string; address: string }) =>
      resolve(message.address),
    );
  });
  const port = address.includes('/') ? 0 : Number(address.slice(address.lastIndexOf(':') + 1));
  return {
    address,
    port,
    async stop() {
      const stopped = new Promise((resolve) => worker.once('message', resolve));
      worker.postMessage({ kind: 'stop' });
      await stopped;
      await worker.terminate();
    },
  };
}
