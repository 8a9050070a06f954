/**
 * Child process of `processes.test.ts`: opens the FileStorage given on the
 * command line for writing and, until it is killed, commits transactions
 * that set oids 1 and 2 to the same counter value (so any consistent
 * snapshot sees them equal). Prints `ready` once open, then `tid <hex>`
 * after each commit.
 *
 * Run: `node --import tsx writer-child.ts <Data.fs>`
 */

import { MAX_TID, ZERO_TID } from '../../../src/ids.js';
import { FileStorage } from '../../../src/storage/file/index.js';

const dataPath = process.argv[2];
if (dataPath === undefined) throw new Error('usage: writer-child.ts <Data.fs>');

const storage = new FileStorage(dataPath);
process.stdout.write('ready\n');
const encoder = new TextEncoder();
for (let n = 0; ; n++) {
  const txn = { user: 'writer', description: `counter ${n}`, extension: {} };
  await storage.tpcBegin(txn);
  for (const oid of [1, 2]) {
    const serial = storage.loadAt(oid, MAX_TID)?.serial ?? ZERO_TID;
    // Varying sizes so that records straddle page boundaries now and then.
    storage.store(oid, serial, encoder.encode(`${n}`.padEnd(1 + (n % 700), ' ')), txn);
  }
  await storage.tpcVote(txn);
  const tid = await storage.tpcFinish(txn);
  process.stdout.write(`tid ${tid.toString(16)}\n`);
  if (n % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 1));
}
