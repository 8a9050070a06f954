/**
 * `startServerThread`: a storage server in a worker thread of this process,
 * for tests, benchmarks and in-process use. A `ClientStorage` blocks its
 * thread while it loads, so a server in the same thread would deadlock; in
 * a worker it does not. Storages are described by configuration text
 * (storage objects cannot cross threads).
 *
 * @example
 * ```ts
 * const server = await startServerThread({ config: '<mappingstorage 1>\n</mappingstorage>' });
 * const { host, port } = server.addresses[0]; // 127.0.0.1 and a free port
 * // ... clients connect ...
 * await server.stop();
 * ```
 *
 * @module
 */

import { Worker } from 'node:worker_threads';
import { StorageError } from '../errors.js';
import { workerScriptUrl } from '../protocol/worker-url.js';
import type { ServerAddress } from './listen-address.js';
import type { ServerThreadData, ServerThreadEvent } from './server-thread-messages.js';

/** Options of {@link startServerThread}. */
export interface ServerThreadOptions {
  /**
   * Storage sections (each named: the names clients register with; a
   * single unnamed one is `1`) and optionally a `<zeo>` section.
   */
  readonly config: string;
  /** Addresses to listen on (default: the `<zeo>` addresses, else `127.0.0.1:0`, a free port). */
  readonly listen?: readonly string[] | undefined;
  /** Serve every storage read-only. */
  readonly readOnly?: boolean | undefined;
  /** Receives each log line of the server (default: no logging). */
  readonly onLog?: ((line: string) => void) | undefined;
}

/** A running server thread. */
export interface ServerThreadHandle {
  /** The addresses it listens on. */
  readonly addresses: readonly ServerAddress[];
  /** Graceful shutdown (see `StorageServer.close`), then the thread ends. Idempotent. */
  stop(): Promise<void>;
  /** Ends the thread at once, without a graceful shutdown (a crashed server). */
  kill(): Promise<void>;
}

/**
 * Starts a server in a worker thread and resolves once it listens.
 *
 * @throws the configuration or listen error, as a StorageError naming the original class.
 */
export function startServerThread(options: ServerThreadOptions): Promise<ServerThreadHandle> {
  const data: ServerThreadData = {
    config: options.config,
    listen: options.listen,
    readOnly: options.readOnly === true,
    log: options.onLog !== undefined,
  };
  const worker = new Worker(workerScriptUrl(import.meta.url, 'server-worker'), {
    workerData: data,
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  return new Promise((resolve, reject) => {
    worker.on('error', (error) => reject(error));
    worker.on('message', (event: ServerThreadEvent) => {
      if (event.type === 'log') options.onLog?.(event.line);
      else if (event.type === 'failed') {
        reject(
          new StorageError(`the server thread could not start: ${event.name}: ${event.message}`),
        );
      } else if (event.type === 'started') {
        resolve({
          addresses: event.addresses,
          stop() {
            stopping ??= (async () => {
              worker.postMessage('stop');
              await exited;
            })();
            return stopping;
          },
          async kill() {
            await worker.terminate();
          },
        });
      }
    });
    void exited.then(() => reject(new StorageError('the server thread exited before it started')));
  });
}
