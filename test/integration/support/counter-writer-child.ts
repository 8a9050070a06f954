/**
 * Child process of the race test: a client of the server at `argv[2]`
 * that keeps setting every counter of group `argv[3]` to a new common
 * value (see `counters.ts`), one transaction each, until it reads `stop`
 * on its standard input. Prints `wrote <value>` after each commit and
 * `done <value>` before exiting.
 */

import { createInterface } from 'node:readline';
import { ClientStorage } from '../../../src/client/client-storage.js';
import { DB } from '../../../src/connection/db.js';
import { TransactionManager } from '../../../src/transaction/index.js';
import { bumpGroup } from './counters.js';

const [address, group] = process.argv.slice(2);
if (address === undefined || group === undefined) {
  throw new Error('usage: counter-writer-child.js <host:port> <group>');
}

let stopping = false;
const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line === 'stop') stopping = true;
});

const storage = new ClientStorage({ address, waitTimeout: 10, clientLabel: `writer ${group}` });
const db = new DB(storage);
const tm = new TransactionManager();
const conn = db.open({ transactionManager: tm });

let value = 0;
while (!stopping) {
  value = await tm.run(async function bump() {
    return bumpGroup(conn.root, group);
  });
  process.stdout.write(`wrote ${value}\n`);
  await new Promise((resolve) => setImmediate(resolve));
}
await db.close();
process.stdout.write(`done ${value}\n`);
input.close();
process.stdin.destroy();
