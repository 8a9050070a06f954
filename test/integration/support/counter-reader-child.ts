/**
 * Child process of the race test: a client of the server at `argv[2]`
 * that, in a loop of fresh transactions, reads every counter group (see
 * `counters.ts`) and checks that each group's counters agree; every few
 * reads it empties its object cache so loads go to the client cache and
 * the server. Prints `torn <groups>` for an inconsistent snapshot, `seen
 * <group>=<value>...` after every read that saw a new value, and, after
 * reading `stop` on its standard input, `done <reads>`.
 */

import { createInterface } from 'node:readline';
import { ClientStorage } from '../../../src/client/client-storage.js';
import { DB } from '../../../src/connection/db.js';
import { TransactionManager } from '../../../src/transaction/index.js';
import { readSnapshot } from './counters.js';

const address = process.argv[2];
if (address === undefined) throw new Error('usage: counter-reader-child.js <host:port>');

let stopping = false;
const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line === 'stop') stopping = true;
});

const storage = new ClientStorage({ address, waitTimeout: 10, clientLabel: 'reader' });
const db = new DB(storage);
const tm = new TransactionManager({ explicit: true });
const conn = db.open({ transactionManager: tm });
process.stdout.write('ready\n');

let reads = 0;
let last = '';
while (!stopping) {
  tm.begin();
  const { values, torn } = readSnapshot(conn.root);
  await tm.abort();
  reads++;
  if (torn.length > 0) process.stdout.write(`torn ${torn.join('; ')}\n`);
  const seen = [...values].map(([group, value]) => `${group}=${value}`).join(' ');
  if (seen !== last) process.stdout.write(`seen ${seen}\n`);
  last = seen;
  if (reads % 7 === 0) conn.cacheMinimize();
  await new Promise((resolve) => setImmediate(resolve));
}
await db.close();
process.stdout.write(`done ${reads}\n`);
input.close();
process.stdin.destroy();
