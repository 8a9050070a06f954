/**
 * TLS between client and server: the client verifies the server's
 * certificate against a CA file and refuses an unverifiable server.
 */

import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClientStorage } from '../../src/client/client-storage.js';
import { ClientDisconnectedError } from '../../src/errors.js';
import { closeClients, inTransaction, openClient } from './support/clients.js';
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
});
