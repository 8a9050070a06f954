/**
 * Process entry of the client-server benchmarks: a storage server serving
 * FileStorages (one per `name=path/to/Data.fs` argument) on 127.0.0.1,
 * any free port. Prints `listening <host:port>` when it accepts
 * connections; on SIGTERM closes gracefully and exits 0.
 *
 * Run: node --conditions=source --import tsx bench/workloads/client-server-server.ts <name=Data.fs>...
 */
import { FileStorage } from 'zodb';
import type { Storage } from 'zodb';
import { StorageServer } from 'zodb/server';

const storages = new Map<string, Storage>();
for (const spec of process.argv.slice(2)) {
  const at = spec.indexOf('=');
  if (at < 1) throw new Error(`expected name=path/to/Data.fs, got "${spec}"`);
  storages.set(spec.slice(0, at), new FileStorage(spec.slice(at + 1), { create: true }));
}
const server = await StorageServer.start({ storages, listen: [{ host: '127.0.0.1', port: 0 }] });
const address = server.addresses[0];
if (address?.kind !== 'tcp') throw new Error('the server did not bind a TCP address');
process.stdout.write(`listening ${address.host}:${address.port}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
