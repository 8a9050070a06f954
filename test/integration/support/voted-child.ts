/**
 * Child process of the kill-mid-commit test: a client of the server at
 * `argv[2]` that begins a transaction storing a new object, votes (so the
 * server holds the commit lock for it), prints `voted <oid>`, and then
 * waits, never finishing, until it is killed.
 */

import { ClientStorage } from '../../../src/client/client-storage.js';
import { ZERO_TID } from '../../../src/ids.js';
import { encodeRecord } from '../../../src/serialize/index.js';

const address = process.argv[2];
if (address === undefined) throw new Error('usage: voted-child.js <host:port>');

const storage = new ClientStorage({ address, waitTimeout: 10, clientLabel: 'voted child' });
const txn = { user: 'doomed', description: 'killed between vote and finish', extension: {} };
const oid = storage.newOid();
await storage.tpcBegin(txn);
storage.store(
  oid,
  ZERO_TID,
  encodeRecord('test.Note', { by: 'doomed' }, { persistentRef: () => undefined }),
  txn,
);
await storage.tpcVote(txn);
process.stdout.write(`voted ${oid}\n`);
setInterval(() => undefined, 60_000);
