/**
 * Child process of the bank-transfer test: a client of the server at
 * `argv[2]` making random transfers between the accounts (see `bank.ts`)
 * with `TransactionManager.run`, which retries on conflicts and on
 * ClientDisconnectedError (both transient), until it reads `stop` on its
 * standard input. Prints `ok <connections>` after each committed transfer
 * (`connections`: how many times the client has connected so far, so 2 or
 * more means after a server restart), `error <name>: <message>` for a
 * transfer that failed for good, and `done <transfers>` before exiting.
 */

import { createInterface } from 'node:readline';
import { ClientStorage } from '../../../src/client/client-storage.js';
import { DB } from '../../../src/connection/db.js';
import { TransactionManager } from '../../../src/transaction/index.js';
import { accountsOf } from './bank.js';

const address = process.argv[2];
if (address === undefined) throw new Error('usage: bank-child.js <host:port>');

let stopping = false;
const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line === 'stop') stopping = true;
});

const storage = new ClientStorage({ address, waitTimeout: 10, clientLabel: `bank ${process.pid}` });
const db = new DB(storage);
const tm = new TransactionManager();
const conn = db.open({ transactionManager: tm });
process.stdout.write('ready\n');

let transfers = 0;
while (!stopping) {
  try {
    await tm.run(
      async function transfer() {
        const accounts = accountsOf(conn.root);
        const from = Math.floor(Math.random() * accounts.length);
        const to = (from + 1 + Math.floor(Math.random() * (accounts.length - 1))) % accounts.length;
        const amount = 1 + Math.floor(Math.random() * 10);
        const source = accounts.get(from)!;
        const target = accounts.get(to)!;
        source.set('balance', source.get('balance')! - amount);
        target.set('balance', target.get('balance')! + amount);
      },
      { attempts: 1000 },
    );
    transfers++;
    process.stdout.write(`ok ${storage.status().connections}\n`);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    process.stdout.write(`error ${e.name}: ${e.message}\n`);
  }
  // Let the standard input and the storage's events through.
  await new Promise((resolve) => setImmediate(resolve));
}
await db.close();
process.stdout.write(`done ${transfers}\n`);
// Nothing else may keep the process alive: it must exit by itself.
input.close();
process.stdin.destroy();
