/**
 * Child process of the crash test (`crash.test.ts`): opens the FileStorage
 * given on the command line and commits random transactions until it is
 * killed, printing `tid <hex>` on stdout after each `tpcFinish` resolves.
 *
 * Run: `node --import tsx crash-child.ts <Data.fs> <seed>`
 */

import { MAX_TID, ZERO_TID } from '../../../src/ids.js';
import { FileStorage } from '../../../src/storage/file/index.js';

const [dataPath, seedText] = process.argv.slice(2);
if (dataPath === undefined) throw new Error('usage: crash-child.ts <Data.fs> <seed>');

let seed = Number(seedText ?? '1') >>> 0 || 1;
/** A small deterministic generator (xorshift32), so runs can be replayed. */
function random(limit: number): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % limit;
}

const OBJECTS = 40;
const storage = new FileStorage(dataPath);
process.stdout.write(`ready ${storage.lastTransaction().toString(16)}\n`);

for (let n = 0; ; n++) {
  const txn = { user: 'crash', description: `transaction ${n}`, extension: { n } };
  await storage.tpcBegin(txn);
  const writes = 1 + random(5);
  for (let i = 0; i < writes; i++) {
    const oid = random(OBJECTS);
    const serial = storage.loadAt(oid, MAX_TID)?.serial ?? ZERO_TID;
    const data = new Uint8Array(1 + random(1500)).fill(n & 0xff);
    storage.store(oid, serial, data, txn);
  }
  await storage.tpcVote(txn);
  const tid = await storage.tpcFinish(txn);
  process.stdout.write(`tid ${tid.toString(16)}\n`);
  if (random(4) === 0) await new Promise((resolve) => setTimeout(resolve, random(3)));
}
