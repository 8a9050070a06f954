/**
 * Process entry of the concurrent-writers benchmark: a client of the
 * server at `argv[2]` (storage `argv[3]`) that creates its own
 * `argv[4]` objects under `root['writer-<argv[5]>']`, prints `ready`,
 * waits for `go` on its standard input, then commits `argv[6]`
 * transactions that each change every one of its objects (no other writer
 * touches them: no conflicts), and prints `done <commits> <objects>`.
 *
 * Run: node --conditions=source --import tsx bench/workloads/client-server-writer.ts
 *        <host:port> <storage> <objects> <index> <transactions>
 */
import { createInterface } from 'node:readline';
// From the sources: the package's "types" condition points at dist/, which may predate ClientStorage.
import { ClientStorage, DB, PersistentList, TransactionManager } from '../../src/index.js';
import { BenchObject } from './objects.js';

const [address, storageName, objectsArg, index, transactionsArg] = process.argv.slice(2);
const objects = Number(objectsArg);
const transactions = Number(transactionsArg);
if (address === undefined || storageName === undefined || !(objects > 0) || !(transactions > 0)) {
  throw new Error(
    'usage: client-server-writer.ts <host:port> <storage> <objects> <index> <transactions>',
  );
}

const storage = new ClientStorage({
  address,
  storage: storageName,
  clientLabel: `writer ${index}`,
});
const db = new DB(storage);
const tm = new TransactionManager();
const conn = db.open({ transactionManager: tm });
let mine = new PersistentList<BenchObject>();
// The writers all add to the root at first: retry its conflicts (with new objects each time).
await tm.run(
  async function createObjects() {
    mine = new PersistentList<BenchObject>();
    for (let i = 0; i < objects; i++) mine.push(new BenchObject());
    conn.root[`writer-${index}`] = mine;
  },
  { attempts: 50 },
);
process.stdout.write('ready\n');

const input = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => input.on('line', (line) => line === 'go' && resolve()));

for (let t = 0; t < transactions; t++) {
  for (const obj of mine) obj.count += 1;
  await tm.commit();
}
process.stdout.write(`done ${transactions} ${transactions * objects}\n`);
input.close();
process.stdin.destroy();
await db.close();
