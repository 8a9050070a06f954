/**
 * The entry module of the client storages' network worker thread: one
 * {@link ServerLink} per client storage of the process (see
 * `server-link.ts`). It is started by `worker-bridge.ts`, never imported.
 *
 * @internal
 * @module
 */

import { parentPort } from 'node:worker_threads';
import { SIGNAL_DEAD, SIGNAL_REPLIES, type LinkMessage } from './bridge-messages.js';
import { ServerLink } from './server-link.js';

const links = new Map<number, { link: ServerLink; signal: Int32Array }>();

// A failure here must not leave a main thread blocked in Atomics.wait.
process.on('uncaughtException', (error) => {
  for (const { signal } of links.values()) {
    Atomics.store(signal, SIGNAL_DEAD, 1);
    Atomics.notify(signal, SIGNAL_REPLIES);
  }
  throw error;
});

parentPort?.on('message', ({ link: id, message, before }: LinkMessage) => {
  if (message.kind === 'open') {
    const link = new ServerLink(message.config, () => links.delete(id));
    links.set(id, { link, signal: new Int32Array(message.config.signal) });
    link.start();
    return;
  }
  const link = links.get(id)?.link;
  if (before !== undefined) link?.handle(before);
  link?.handle(message);
});
