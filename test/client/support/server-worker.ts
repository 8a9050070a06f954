/**
 * Worker-thread entry of the test storage server (see `test-server.ts`):
 * serves the storages described in `workerData` until told to stop.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { StorageServer } from '../../../src/server/storage-server.js';
import { DemoStorage } from '../../../src/storage/demo/index.js';
import { FileStorage } from '../../../src/storage/file/index.js';
import type { Storage } from '../../../src/storage/interfaces.js';
import { MappingStorage } from '../../../src/storage/mapping/index.js';
import type { ServerWorkerData } from './test-server.js';

const data = workerData as ServerWorkerData;

function open(spec: ServerWorkerData['storages'][number]): Storage {
  if (spec.kind === 'mapping') return new MappingStorage();
  if (spec.kind === 'demo') return new DemoStorage();
  // An existing Data.fs is opened (a restarted server), a missing one created.
  return new FileStorage(spec.path, spec.blobDir === undefined ? {} : { blobDir: spec.blobDir });
}

const storages = new Map<string, Storage>();
for (const spec of data.storages) storages.set(spec.name, open(spec));
const server = await StorageServer.start({
  storages,
  listen: [
    data.unixPath === undefined ? { host: '127.0.0.1', port: data.port } : { path: data.unixPath },
  ],
  readOnly: data.readOnly,
  ...(data.token === undefined ? {} : { authentication: { token: data.token } }),
  shutdownTimeoutMs: 1000,
  ...(data.invalidationQueueSize === undefined
    ? {}
    : { invalidationQueueSize: data.invalidationQueueSize }),
});
const address = server.addresses[0]!;
parentPort!.postMessage({
  kind: 'listening',
  address: address.kind === 'tcp' ? `${address.host}:${address.port}` : address.path,
});
parentPort!.on('message', (message: { kind: string }) => {
  if (message.kind === 'stop') {
    void server.close().then(() => parentPort!.postMessage({ kind: 'stopped' }));
  }
});
