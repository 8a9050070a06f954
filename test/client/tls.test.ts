/**
 * TLS between client and server: the client verifies the server's
 * certificate against a CA file (given in code, as the `tls-ca` key of a
 * `<zeoclient>` section or the `tls_ca` parameter of a `zeo:` URI) and
 * refuses an unverifiable server.
 */

import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClientStorage } from '../../src/client/client-storage.js';
import { databaseFromString } from '../../src/config/index.js';
import { DB } from '../../src/connection/db.js';
import { ClientDisconnectedError } from '../../src/errors.js';
import { closeClients, inTransaction, openClient, roundTrip } from './support/clients.js';
import { useTempDirs } from './support/temp-dir.js';
import { startTestServer } from './support/test-server.js';

const tempDir = useTempDirs('zodb-client-tls');
const dir = tempDir();
const certificate = path.join(dir, 'cert.pem');
const key = path.join(dir, 'key.pem');
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    certificate,
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ],
  { stdio: 'ignore' },
);
const server = await startTestServer([{ name: '1', kind: 'mapping' }], {
  tls: { certificate, key },
});
afterAll(() => server.stop());

describe('TLS', () => {
  it('connects to a server whose certificate the CA file verifies, and commits', async () => {
    const client = openClient(server.address, '1', { tls: { caFile: certificate } });
    await inTransaction(client, (root) => {
      root.secret = 'kept';
    });
    client.tm.begin();
    expect(client.root.secret).toBe('kept');
    client.tm.abort();
    await closeClients(client);
  });

  it('does not connect to a server whose certificate it cannot verify', () => {
    expect(() => new ClientStorage({ address: server.address, tls: {}, waitTimeout: 0.5 })).toThrow(
      ClientDisconnectedError,
    );
  });

  it('connects with the CA file of a <zeoclient> tls-ca key, and without it refuses the server', async () => {
    const section = (tls: string): string => `
      <zodb>
        <zeoclient>
          server ${server.address}
          storage 1
          wait-timeout 1
          ${tls}
        </zeoclient>
      </zodb>`;
    const db = await databaseFromString(section(`tls-ca ${certificate}`));
    expect(await roundTrip(db, 'configured')).toBe('configured');
    await db.close();
    await expect(databaseFromString(section('tls-verify true'))).rejects.toBeInstanceOf(
      ClientDisconnectedError,
    );
  });

  it('connects with the CA file of a zeo: URI tls_ca parameter', async () => {
    const db = await DB.fromURI(
      `zeo://${server.address}?storage=1&wait_timeout=5&tls_ca=${encodeURIComponent(certificate)}`,
    );
    expect(await roundTrip(db, 'from a URI')).toBe('from a URI');
    await db.close();
  });
});
