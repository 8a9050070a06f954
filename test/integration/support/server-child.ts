/**
 * Child process: a storage server (the role of `zodb server`) serving
 * FileStorages on 127.0.0.1. Arguments: the port (0: any free one), then
 * one or more `name=path/to/Data.fs`. Prints `listening <host:port>` once
 * it accepts connections; on SIGTERM closes gracefully (in-flight commits
 * finish) and exits 0, printing `stopped`. The server's log goes to
 * standard error.
 */

import { StorageServer } from '../../../src/server/storage-server.js';
import { lineLog } from '../../../src/server/server-log.js';
import { FileStorage } from '../../../src/storage/file/file-storage.js';
import type { Storage } from '../../../src/storage/interfaces.js';

const [portArg, ...specs] = process.argv.slice(2);
const port = Number(portArg);
if (!Number.isInteger(port) || specs.length === 0) {
  throw new Error('usage: server-child.js <port> <name=Data.fs>...');
}

const storages = new Map<string, Storage>();
for (const spec of specs) {
  const at = spec.indexOf('=');
  storages.set(spec.slice(0, at), new FileStorage(spec.slice(at + 1)));
}
const server = await StorageServer.start({
  storages,
  listen: [{ host: '127.0.0.1', port }],
  log: lineLog(),
  shutdownTimeoutMs: 2000,
});
const address = server.addresses[0];
if (address?.kind !== 'tcp') throw new Error('the server did not bind a TCP address');
process.stdout.write(`listening ${address.host}:${address.port}\n`);

process.once('SIGTERM', () => {
  void server.close('SIGTERM').then(() => {
    process.stdout.write('stopped\n');
    process.exit(0);
  });
});
