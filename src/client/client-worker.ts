/**
 * The entry module of a client storage's network worker thread (see
 * `server-link.ts`). It is started by `worker-bridge.ts`, never imported.
 *
 * @internal
 * @module
 */

import { parentPort, workerData } from 'node:worker_threads';
import {
  SIGNAL_DEAD,
  SIGNAL_REPLIES,
  type ToWorker,
  type WorkerConfig,
} from './bridge-messages.js';
import { ServerLink } from './server-link.js';

const config = workerData as WorkerConfig;
const signal = new Int32Array(config.signal);

// A failure here must not leave the main thread blocked in Atomics.wait.
process.on('uncaughtException', (error) => {
  Atomics.store(signal, SIGNAL_DEAD, 1);
  Atomics.notify(signal, SIGNAL_REPLIES);
  throw error;
});

const link = new ServerLink(config);
parentPort?.on('message', (message: ToWorker) => link.handle(message));
link.start();
