/**
 * ClientStorage -> storage server in a SEPARATE PROCESS -> FileStorage
 * against the shared storage conformance suite. The server process serves
 * one fresh FileStorage per test (it cannot open storages on demand, so it
 * starts with enough of them); the test process only talks to it over TCP.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';
import { NamedClientStorages } from '../client/support/named-storages.js';
import { describeStorageConformance } from '../storage/conformance.js';
import { startServerProcess } from './support/server-process.js';

const STORAGES = 120;
// Creating and closing a FileStorage syncs its files several times; on a
// disk that costs ~0.1 s per storage, so the files live on tmpfs when the
// machine has one (what is tested here is the client and the server).
const TMPFS = '/dev/shm';
const base = fs.existsSync(TMPFS) ? TMPFS : os.tmpdir();
const dir = fs.mkdtempSync(path.join(base, 'zodb-integration-conformance-'));
const files: Record<string, string> = {};
for (let i = 0; i < STORAGES; i++) files[`f${i}`] = path.join(dir, `Data-${i}.fs`);
const server = await startServerProcess(files);
afterAll(async () => {
  await server.terminate();
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Why the areas that pack are skipped: the server packs with the references
 * it reads from the record headers (PROTOCOL.md, `pack`), and the suite's
 * test records are JSON, not the record format, so they have none (the
 * in-process client suite skips pack for the same reason).
 */
const PACK_REASON =
  "the server reads references from record headers; the suite's JSON test records have none";

const clients = new NamedClientStorages({
  address: server.address,
  prefix: 'f',
  count: STORAGES,
  waitTimeout: 10,
});

describeStorageConformance(
  'ClientStorage over a server process serving FileStorage',
  clients.factory(),
  {
    skip: {
      pack: PACK_REASON,
      packGC: PACK_REASON,
      externalGC: `its pack tests: ${PACK_REASON}`,
      restore: `its copy test packs the copy: ${PACK_REASON}`,
      undo:
        `its pack test (${PACK_REASON}), and undo merging through conflict resolution: ` +
        'the server undoes on the storage and never resolves conflicts (PROTOCOL.md)',
    },
  },
);
