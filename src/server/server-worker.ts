/**
 * The worker-thread entry of {@link startServerThread}: opens the storages
 * of the configuration text it is given, serves them, and closes
 * gracefully when asked. Messages to the parent: `started` (with the
 * addresses), `failed`, `log` (one formatted line), `stopped`.
 *
 * @internal
 * @module
 */

import { parentPort, workerData } from 'node:worker_threads';
import { parseServerConfiguration, serverOptionsFromConfiguration } from './server-config.js';
import { lineLog, silentLog } from './server-log.js';
import { StorageServer } from './storage-server.js';
import type { ServerThreadData, ServerThreadEvent } from './server-thread-messages.js';

const port = parentPort;
if (port === null) throw new Error('server-worker.ts must run in a worker thread');

function post(event: ServerThreadEvent): void {
  port!.postMessage(event);
}

async function main(data: ServerThreadData): Promise<void> {
  let server: StorageServer;
  try {
    const config = parseServerConfiguration(data.config, '<server thread>');
    const listen = data.listen ?? (config.listen.length > 0 ? [] : ['127.0.0.1:0']);
    const options = await serverOptionsFromConfiguration(config, {
      listen,
      readOnly: data.readOnly,
    });
    const log = data.log ? lineLog((line) => post({ type: 'log', line })) : silentLog;
    try {
      server = await StorageServer.start({ ...options, log });
    } catch (error) {
      for (const storage of options.storages.values()) await storage.close();
      throw error;
    }
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ type: 'failed', name: e.name, message: e.message });
    port!.close();
    return;
  }
  port!.on('message', (message: unknown) => {
    if (message !== 'stop') return;
    void server.close().then(() => {
      post({ type: 'stopped' });
      port!.close();
    });
  });
  post({ type: 'started', addresses: [...server.addresses] });
}

void main(workerData as ServerThreadData);
